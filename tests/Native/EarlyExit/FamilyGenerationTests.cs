using AwesomeAssertions;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop;
using LlamaJump.Tests.Native.Capture;
using LlamaJump.Tests.Native.Models;

namespace LlamaJump.Tests.Native.EarlyExit;

/// <summary>
/// Exit and spec mode on the tiny model of every family in the backend's head table: exit at a fixed block and at λ
/// runs with the family's fill — state propagation where the backend has a K/V path for it, otherwise recompute,
/// which the generator names (<see cref="EarlyExitGenerator.PropagationUnavailable"/>) — and spec is lossless as
/// <see cref="SpecEquality"/> defines it. The jump is random: these check the machinery per family, not quality.
/// </summary>
public sealed class FamilyGenerationTests(ITestOutputHelper output)
{
    private const int Tokens = 24;

    public static TheoryData<string> Families => new(ArchitectureTests.HeadFamilies);

    [Theory]
    [MemberData(nameof(Families))]
    public void Exit_and_spec_run_on_every_family_and_spec_equals_full(string family)
    {
        using var session = ExitFixtures.Open(TinyModels.PathOf(TinyModelSpec.For(family)));
        var generator = new EarlyExitGenerator(session, ExitFixtures.RandomJump(session.NEmbd));
        bool propagates = ArchitectureSupport.Of(session.Info.Architecture).Propagate;
        if (propagates)
            generator.PropagationUnavailable.Should().BeNull();
        else
            generator.PropagationUnavailable.Should().Contain($"'{session.Info.Architecture}'");
        var exitSettings = new GenerationSettings(GenerationMode.Exit, ExitLayer: 1);
        generator.FillFor(exitSettings).Should().Be(propagates ? KvFill.Propagate : KvFill.Recompute);

        var (full, _) = ExitFixtures.Generate(generator, session, new GenerationSettings(GenerationMode.Full), Tokens);
        var (fixedExit, fixedStats) = ExitFixtures.Generate(generator, session, exitSettings, Tokens);
        var (lambdaExit, lambdaStats) = ExitFixtures.Generate(generator, session, new GenerationSettings(GenerationMode.Exit, Lambda: 0.5f), Tokens);
        var (spec, specStats) = ExitFixtures.Generate(generator, session, new GenerationSettings(GenerationMode.Spec, ExitLayer: 1, DraftLength: 3, DraftThreshold: 0f), Tokens);
        output.WriteLine($"{family}: fill {generator.FillFor(exitSettings)}; blocks per token: exit at 1 {fixedStats.BlocksPerToken:0.00}, λ 0.5 {lambdaStats.BlocksPerToken:0.00}, "
            + $"spec {specStats.BlocksPerToken:0.00} (acceptance {specStats.AcceptanceRate:0.000})");

        fixedExit.Should().HaveCount(Tokens).And.OnlyContain(t => t.ExitLayer == 1 || t.ExitLayer == session.NLayer - 1);
        lambdaExit.Should().HaveCount(Tokens).And.OnlyContain(t => t.ExitLayer >= 0 && t.ExitLayer < session.NLayer);
        SpecEquality.AssertEqualExceptNearTies(session, session.Tokenize(ExitFixtures.Prompt), ExitFixtures.Ids(full), ExitFixtures.Ids(spec));
    }
}
