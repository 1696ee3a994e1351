using AwesomeAssertions;
using LlamaJump.App.Generate;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop.EarlyExit;

namespace LlamaJump.Tests.Native.EarlyExit;

/// <summary>The paper's early exit on the quiet model (<see cref="QuietModel"/>) with the jump trained at its quiet
/// block: at λ 0.5, with the candidates starting there, most tokens leave at that block and the text agrees with
/// the full model's greedy choice.</summary>
public sealed class QuietExitTests(ITestOutputHelper output)
{
    [Fact]
    public void Lambda_one_half_exits_most_tokens_at_the_quiet_block_and_agrees_with_full()
    {
        var model = QuietModel.Shared;
        using var session = ExitFixtures.Open(model.ModelPath);
        var generator = new EarlyExitGenerator(session, model.Jump);
        var candidates = ExitCandidates.FromStride(session.NLayer, QuietModel.QuietAfter, 1);
        const int tokens = 200;
        var (exited, stats) = ExitFixtures.Generate(generator, session,
            new GenerationSettings(GenerationMode.Exit, Lambda: 0.5f, Candidates: candidates), tokens);

        double agreement = TeacherForced.Agreement(session, session.Tokenize(ExitFixtures.Prompt), ExitFixtures.Ids(exited));
        output.WriteLine($"exit histogram [{string.Join(", ", stats.ExitHistogram)}], {stats.BlocksPerToken:0.00} blocks per token, agreement {agreement:0.000}");
        exited.Should().HaveCount(tokens);
        stats.ExitHistogram[QuietModel.QuietAfter].Should().BeGreaterThan(tokens / 2, "most tokens are confident at the quiet block");
        agreement.Should().BeGreaterThanOrEqualTo(0.95);
    }
}
