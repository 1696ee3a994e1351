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
    public void Only_the_weight_types_make_model_writes_and_only_vocab_files_are_accepted()
    {
        var unwritable = () => RandomModelPlan.Create(Bench, GgmlType.IQ2_XXS, LlamaVocab);
        unwritable.Should().Throw<ArgumentException>().WithMessage("*random models hold f32, f16, bf16, q4_0*");

        using var temp = new TempDirectory();
        string noTokens = Path.Combine(temp.Root, "no-tokens.gguf");
        File.WriteAllBytes(noTokens, new GgufTestWriter().String("general.architecture", "llama").Build());
        var fromNoTokens = () => RandomModelPlan.Create(Bench, GgmlType.F16, noTokens);
        fromNoTokens.Should().Throw<GgufFormatException>().WithMessage("no-tokens.gguf: has no tokenizer.ggml.tokens*");
    }

    [Fact]
    public void The_7B_preset_in_Q4_0_takes_3_8_GB_as_llama_quantize_writes_it()
    {
        var preset = ModelPreset.Find("LLAMA2-7B")!;
        var spec = RandomModelSpec.Of(preset.Architecture, preset.Blocks, preset.Embd, preset.Ff, preset.Heads, preset.HeadsKv, 1, preset.ContextLength);
        var plan = RandomModelPlan.Create(spec, GgmlType.Q4_0, SharedFiles.Path("models", "vocab", preset.VocabFile));

        // 6.74 B weights in 2-D tensors at 18 bytes per 32 (4.5 bits), the 65 norms in F32
        long weights = 32 * (4L * 4096 * 4096 + 3L * 4096 * 11008) + 2L * 4096 * 32000;
        plan.DataBytes.Should().Be(weights / 32 * 18 + 4L * 4096 * 65);
        (plan.DataBytes / 1e9).Should().BeApproximately(3.8, 0.05);
        plan.Tensors.Where(t => t.Dims.Length == 2).Should().OnlyContain(t => plan.TypeOf(t) == GgmlType.Q4_0);
        plan.Name.Should().Be("random-llama-32x4096-q4_0");
    }

    [Fact]
    public void Rows_that_are_not_whole_blocks_take_llama_cpps_fallback()
    {
        // 1600 (GPT-2-XL's width) is 50 blocks of 32 but 6.25 super-blocks of 256; 6400 is 25 of them
        WeightTypes.ForRow(GgmlType.Q4_K, 6400).Should().Be(GgmlType.Q4_K);
        WeightTypes.ForRow(GgmlType.Q4_K, 1600).Should().Be(GgmlType.Q5_0);
        WeightTypes.ForRow(GgmlType.Q5_K, 1600).Should().Be(GgmlType.Q5_1);
        WeightTypes.ForRow(GgmlType.Q6_K, 1600).Should().Be(GgmlType.Q8_0);
        WeightTypes.ForRow(GgmlType.Q2_K, 1600).Should().Be(GgmlType.Q4_0);
        WeightTypes.ForRow(GgmlType.IQ4_XS, 1600).Should().Be(GgmlType.IQ4_NL);
        WeightTypes.ForRow(GgmlType.Q4_K, 1000).Should().Be(GgmlType.F16, "1000 is no whole number of 32-element blocks either");
        WeightTypes.ForRow(GgmlType.Q8_0, 1000).Should().Be(GgmlType.F16);
        WeightTypes.ForRow(GgmlType.F32, 1000).Should().Be(GgmlType.F32);

        var gpt2 = RandomModelSpec.Of("gpt2", 2, 1600, 6400, 25, 25, 1, 64);
        var plan = RandomModelPlan.Create(gpt2, GgmlType.Q4_K, SharedFiles.Path("models", "vocab", "ggml-vocab-gpt-2.gguf"));
        plan.TypeOf(plan.Tensors.Single(t => t.Name == "blk.0.ffn_down.weight")).Should().Be(GgmlType.Q4_K, "its rows are n_ff = 6400 long");
        plan.TypeOf(plan.Tensors.Single(t => t.Name == "blk.0.ffn_up.weight")).Should().Be(GgmlType.Q5_0, "its rows are n_embd = 1600 long");
        plan.TypeOf(plan.Tensors.Single(t => t.Name == "blk.0.ffn_up.bias")).Should().Be(GgmlType.F32);
        plan.IsQuantized.Should().BeTrue();
    }

    [Fact]
    public void Weight_type_names_are_ggmls()
    {
        WeightTypes.TryParse("Q4_K", out var q4k).Should().BeTrue();
        q4k.Should().Be(GgmlType.Q4_K);
        WeightTypes.TryParse(" iq4_nl ", out var iq4).Should().BeTrue();
        iq4.Should().Be(GgmlType.IQ4_NL);
        WeightTypes.TryParse("q4_k_m", out _).Should().BeFalse("a mixture is llama-quantize's, not a ggml type");
        WeightTypes.TryParse("iq2_xxs", out _).Should().BeFalse("it needs an importance matrix");
        WeightTypes.TryParse(null, out _).Should().BeFalse();
        WeightTypes.Names.Should().StartWith("f32, f16, bf16, q4_0, q4_1");
        WeightTypes.FileType(GgmlType.Q4_0).Should().Be(2);
        WeightTypes.FileType(GgmlType.Q4_K).Should().Be(14);
    }
}
