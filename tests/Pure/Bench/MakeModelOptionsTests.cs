using AwesomeAssertions;
using LlamaJump.App;
using LlamaJump.App.Bench;
using LlamaJump.Models;
using Xunit;

namespace LlamaJump.Tests.Pure.Bench;

/// <summary>The checks of <c>bench make-model</c>'s test-model options, without a process: each refusal names its
/// option; accepted values reach the spec.</summary>
public sealed class MakeModelOptionsTests
{
    private static readonly MakeModelOptions Eight = new("out.gguf", Blocks: 8, Embd: 128, Ff: 352, Heads: 4, HeadsKv: 4, Type: "f32", Vocab: "vocab.gguf", Seed: 1);

    [Fact]
    public void Quiet_after_K_makes_blocks_K_plus_1_onward_quiet_with_the_default_scale()
    {
        var spec = (Eight with { QuietAfter = 6 }).ToSpec();

        spec.Quiet.Should().Be(new QuietBlocks(6, 0.01));
        spec.ResidualScale(6).Should().Be(spec.ResidualProjectionScale);
        spec.ResidualScale(7).Should().BeApproximately(spec.ResidualProjectionScale * 0.01, 1e-15);
        (Eight with { QuietAfter = 0, QuietScale = 0.5 }).ToSpec().Quiet.Should().Be(new QuietBlocks(0, 0.5));
        Eight.ToSpec().Quiet.Should().BeNull();
    }

    [Fact]
    public void Stream_rank_and_head_scale_reach_the_spec()
    {
        var spec = (Eight with { StreamRank = 32, HeadScale = 50 }).ToSpec();

        spec.StreamRank.Should().Be(32u);
        spec.HeadScale.Should().Be(50);
        Eight.ToSpec().StreamRank.Should().BeNull();
        Eight.ToSpec().HeadScale.Should().Be(1);
    }

    public static TheoryData<MakeModelOptions, string> Refused => new()
    {
        { Eight with { QuietAfter = 7 }, "--quiet-after 7 is beyond the model: with --blocks 8 it must be in 0 … 6" },
        { Eight with { QuietAfter = 100 }, "--quiet-after 100 is beyond the model" },
        { Eight with { QuietAfter = -1 }, "--quiet-after -1 is beyond the model" },
        { Eight with { Blocks = 1, QuietAfter = 0 }, "--quiet-after needs at least 2 blocks" },
        { Eight with { QuietAfter = 3, QuietScale = 0 }, "--quiet-scale must be a positive finite number, not 0" },
        { Eight with { QuietAfter = 3, QuietScale = -0.5 }, "--quiet-scale must be a positive finite number, not -0.5" },
        { Eight with { QuietAfter = 3, QuietScale = double.NaN }, "--quiet-scale must be a positive finite number, not NaN" },
        { Eight with { QuietAfter = 3, QuietScale = double.PositiveInfinity }, "--quiet-scale must be a positive finite number, not Infinity" },
        { Eight with { QuietScale = 0.1 }, "--quiet-scale needs --quiet-after" },
        { Eight with { StreamRank = 0 }, "--stream-rank 0 must be in 1 … 127 (below --embd 128)" },
        { Eight with { StreamRank = 128 }, "--stream-rank 128 must be in 1 … 127" },
        { Eight with { HeadScale = 0 }, "--head-scale must be a positive finite number, not 0" },
        { Eight with { HeadScale = double.NegativeInfinity }, "--head-scale must be a positive finite number, not -Infinity" },
        { Eight with { Architecture = "mamba" }, "--arch 'mamba' is not one of llama, gpt2, phi3, qwen2, qwen3, gemma, gemma2, gemma3, phi2, stablelm, starcoder2, olmo2, granite" },
        { Eight with { Architecture = "qwen2", FusedQkv = true }, "--fused-qkv is a llama layout; --arch qwen2 has its own attention tensors" },
        { Eight with { Architecture = "phi2", Embd = 72 }, "--embd / --heads = 18 is not a multiple of 4; phi2 rotates half of each head" },
        { Eight with { Architecture = "gemma", HeadScale = 50 }, "--head-scale: gemma ties its output to token_embd" },
    };

    [Fact]
    public void Arch_and_fused_qkv_reach_the_spec_and_each_family_takes_a_tokenizer_of_its_kind()
    {
        (Eight with { Architecture = "qwen3" }).ToSpec().Architecture.Should().Be("qwen3");
        (Eight with { FusedQkv = true }).ToSpec().FusedQkv.Should().BeTrue();
        Eight.ToSpec().FusedQkv.Should().BeFalse();
        (Eight with { Architecture = "stablelm", Embd = 64 }).ToSpec().HeadDim.Should().Be(16);

        Path.GetFileName(MakeModelOptions.DefaultVocab("/repo", "qwen3")).Should().Be("ggml-vocab-gpt-2.gguf");
        Path.GetFileName(MakeModelOptions.DefaultVocab("/repo", "gemma2")).Should().Be("ggml-vocab-llama-spm.gguf");
        Path.GetFileName(MakeModelOptions.DefaultVocab("/repo", "phi3")).Should().Be("ggml-vocab-phi-3.gguf");
        MakeModelOptions.DefaultVocab("/repo", "llama").Should().Be(MakeModelOptions.DefaultVocab("/repo"));
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Out_of_range_values_are_refused_naming_the_option(MakeModelOptions options, string message)
    {
        var toSpec = () => options.ToSpec();

        toSpec.Should().Throw<UserInputException>().Which.Message.Should().Contain(message);
    }
}
