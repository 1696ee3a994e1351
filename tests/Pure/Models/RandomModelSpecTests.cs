using AwesomeAssertions;
using LlamaJump.Gguf;
using LlamaJump.Models;
using LlamaJump.Tests.Pure.Gguf;
using Xunit;

namespace LlamaJump.Tests.Pure.Models;

/// <summary>What a random model's spec accepts and what its plan will write, without writing it.</summary>
public sealed class RandomModelSpecTests
{
    private static readonly RandomModelSpec Bench = RandomModelSpec.Llama(blocks: 24, embd: 1024, ff: 2816, heads: 16, headsKv: 16, seed: 1);

    private static string LlamaVocab => SharedFiles.Path("models", "vocab", "ggml-vocab-llama-spm.gguf");

    [Fact]
    public void The_benchmark_shape_is_valid_and_its_F16_tensors_take_748_MB()
    {
        Bench.Problems().Should().BeEmpty();
        var plan = RandomModelPlan.Create(Bench, GgmlType.F16, LlamaVocab);

        plan.VocabSize.Should().Be(32000);
        plan.Tensors.Should().HaveCount(2 + 9 * 24 + 1);
        long perBlock = 2 * (4L * 1024 * 1024 + 3L * 1024 * 2816) + 2 * 4 * 1024;
        plan.DataBytes.Should().Be(24 * perBlock + 2 * (2L * 1024 * 32000) + 4 * 1024);
        plan.Name.Should().Be("random-llama-24x1024-f16");
        plan.Identity.Should().Contain("blocks=24").And.Contain("type=F16").And.Contain("seed=1").And.Contain("vocab_sha256=");
        plan.Tensors.Single(t => t.Name == "blk.7.ffn_down.weight").Scale.Should().BeApproximately(1 / Math.Sqrt(48), 1e-12);
        plan.Tensors.Single(t => t.Name == "blk.7.ffn_up.weight").Scale.Should().Be(1);
    }

    public static TheoryData<RandomModelSpec, string> Invalid => new()
    {
        { Bench with { HeadCount = 0 }, "head count must be positive" },
        { Bench with { HeadCount = 12, HeadCountKv = 12 }, "n_embd 1024 is not a multiple of the head count 12" },
        { Bench with { EmbeddingLength = 1032, HeadCount = 8, HeadCountKv = 8 }, "head size n_embd / heads = 129 is odd" },
        { Bench with { HeadCountKv = 5 }, "head count 16 is not a multiple of the KV head count 5" },
        { Bench with { BlockCount = 513 }, "above llama.cpp's limit of 512" },
        { Bench with { Architecture = "mamba" }, "architecture 'mamba' is not one of llama, gpt2, phi3" },
        { Bench with { InitStd = 0 }, "InitStd 0 must be positive" },
        { Bench with { Quiet = new QuietBlocks(23) }, "quiet after block 23 leaves no quiet block: it must be in 0 … 22 for 24 blocks" },
        { Bench with { BlockCount = 1, Quiet = new QuietBlocks(0) }, "quiet after block 0 leaves no quiet block" },
        { Bench with { Quiet = new QuietBlocks(3, 0) }, "the quiet scale 0 must be positive and finite" },
        { Bench with { Quiet = new QuietBlocks(3, double.NaN) }, "the quiet scale NaN must be positive and finite" },
        { Bench with { HeadScale = -1 }, "the head scale -1 must be positive and finite" },
        { Bench with { StreamRank = 1024 }, "the stream rank 1024 must be in 1 … 1023" },
        { Bench with { StreamRank = 0 }, "the stream rank 0 must be in 1 … 1023" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_invalid_spec_names_its_problem_and_is_refused(RandomModelSpec spec, string problem)
    {
        spec.Problems().Should().ContainSingle().Which.Should().Contain(problem);
        var create = () => RandomModelPlan.Create(spec, GgmlType.F16, LlamaVocab);
        create.Should().Throw<ArgumentException>().WithMessage($"*{problem}*");
    }

    [Fact]
    public void An_odd_head_size_is_fine_without_RoPE()
    {
        (Bench with { Architecture = "gpt2", EmbeddingLength = 1032, HeadCount = 8, HeadCountKv = 8 }).Problems().Should().BeEmpty();
    }

    [Fact]
    public void Only_F32_F16_and_BF16_weights_and_only_vocab_files_are_accepted()
    {
        var quantized = () => RandomModelPlan.Create(Bench, GgmlType.Q8_0, LlamaVocab);
        quantized.Should().Throw<ArgumentOutOfRangeException>();

        using var temp = new TempDirectory();
        string noTokens = Path.Combine(temp.Root, "no-tokens.gguf");
        File.WriteAllBytes(noTokens, new GgufTestWriter().String("general.architecture", "llama").Build());
        var fromNoTokens = () => RandomModelPlan.Create(Bench, GgmlType.F16, noTokens);
        fromNoTokens.Should().Throw<GgufFormatException>().WithMessage("no-tokens.gguf: has no tokenizer.ggml.tokens*");
    }
}
