using AwesomeAssertions;
using LlamaJump.Engine;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop;
using LlamaJump.Interop.EarlyExit;
using LlamaJump.Tests.Native.Models;

namespace LlamaJump.Tests.Native.EarlyExit;

/// <summary>Bad levels, λ, jumps and reads: an error status with a message, never an abort.</summary>
public sealed class ExitValidationTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(4)] // stories260K has 5 blocks: exit blocks 0..3
    [InlineData(1000)]
    public void A_level_beyond_the_model_is_refused(int level)
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        NativeEarlyExit.Install(session.Context, ExitFixtures.RandomJump(session.NEmbd));
        var set = () => NativeEarlyExit.SetPolicy(session.Context, ExitPolicy.Fixed(level, propagate: true));
        set.Should().Throw<LlamaJumpException>().WithMessage("*out of range*0..3*");
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(-0.1f)]
    public void A_lambda_outside_the_range_is_refused(float lambda)
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        NativeEarlyExit.Install(session.Context, ExitFixtures.RandomJump(session.NEmbd));
        var set = () => NativeEarlyExit.SetPolicy(session.Context, new ExitPolicy([1], lambda, true));
        set.Should().Throw<LlamaJumpException>().WithMessage("*lambda*");
    }

    [Fact]
    public void A_policy_without_a_jump_is_refused()
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        var set = () => NativeEarlyExit.SetPolicy(session.Context, ExitPolicy.Fixed(1, propagate: true));
        set.Should().Throw<LlamaJumpException>().WithMessage("*no jump is installed*");
    }

    [Fact]
    public void A_jump_of_another_width_is_refused()
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        var install = () => NativeEarlyExit.Install(session.Context, ExitFixtures.RandomJump(session.NEmbd * 2));
        install.Should().Throw<LlamaJumpException>().WithMessage("*n_embd 128, the model 64*");
    }

    [Fact]
    public void A_jump_with_nan_weights_is_refused()
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        var jump = ExitFixtures.RandomJump(session.NEmbd);
        jump.B[17] = float.NaN;
        var install = () => NativeEarlyExit.Install(session.Context, jump);
        install.Should().Throw<LlamaJumpException>().WithMessage("*B holds NaN*");
    }

    [Fact]
    public void State_propagation_is_unavailable_where_the_backend_has_no_kv_path()
    {
        // every family of the head table has a K/V path; baichuan (llama's tensors under another name) has neither
        string dir = Directory.CreateTempSubdirectory("llamajump-propagation-").FullName;
        try
        {
            using var session = ExitFixtures.Open(ArchitectureRename.Copy(TinyModels.Llama, "baichuan", dir));
            NativeEarlyExit.PropagationUnavailable(session.Context).Should().Contain("not implemented for architecture 'baichuan'")
                .And.Contain("implemented: llama, gpt2, stablelm, qwen2, qwen3, phi2, phi3, gemma, gemma2, gemma3, starcoder2, olmo2, granite");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Recompute_works_where_propagation_does()
    {
        using var session = ExitFixtures.Open(TinyModels.Gpt2);
        NativeEarlyExit.Install(session.Context, ExitFixtures.RandomJump(session.NEmbd));
        NativeEarlyExit.SetPolicy(session.Context, ExitPolicy.Fixed(0, propagate: true));
        NativeEarlyExit.SetPolicy(session.Context, ExitPolicy.Fixed(0, propagate: false));
    }

    [Fact]
    public void Reading_a_kv_cell_that_does_not_exist_is_an_error()
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        var read = () => NativeEarlyExit.ReadKv(session.Context, SequenceId.First, new TokenPosition(5), new BlockIndex(1), 64, 64);
        read.Should().Throw<LlamaJumpException>().WithMessage("*no cell at position 5*");
        var badBlock = () => NativeEarlyExit.ReadKv(session.Context, SequenceId.First, new TokenPosition(0), new BlockIndex(9), 64, 64);
        badBlock.Should().Throw<LlamaJumpException>().WithMessage("*out of range*");
    }

    [Theory]
    [InlineData(GenerationMode.Exit)]
    [InlineData(GenerationMode.Spec)]
    public void Early_exit_modes_without_a_jump_say_how_to_make_one(GenerationMode mode)
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        var generator = new EarlyExitGenerator(session, jump: null);
        var run = () => generator.Generate(session.Tokenize("Once"), 5, new GenerationControl(new GenerationSettings(mode))).ToList();
        run.Should().Throw<InvalidOperationException>().WithMessage("*llamajump train*");
    }
}
