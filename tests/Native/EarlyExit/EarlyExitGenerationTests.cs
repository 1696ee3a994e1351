using AwesomeAssertions;
using LlamaJump.Engine;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop;
using LlamaJump.Interop.EarlyExit;
using LlamaJump.Tests.Native.Models;

namespace LlamaJump.Tests.Native.EarlyExit;

/// <summary>The three generation modes on stories260K and the tiny architecture fixtures: λ above 1 is full,
/// λ = 0 exits at the first candidate, spec equals full (token for token on real weights; except at a near tie of the
/// full model's top-2 logits on random weights, see <see cref="SpecEquality"/>).</summary>
public sealed class EarlyExitGenerationTests
{
    private static string ModelFor(string name) => name switch
    {
        "stories260K" => TestPaths.Stories260K,
        "llama" => TinyModels.Llama,
        "gpt2" => TinyModels.Gpt2,
        "phi3" => TinyModels.Phi3,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Fact]
    public void Lambda_above_one_never_exits_and_every_token_equals_full()
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        var generator = new EarlyExitGenerator(session, ExitFixtures.RandomJump(session.NEmbd));
        var (full, _) = ExitFixtures.Generate(generator, session, new GenerationSettings(GenerationMode.Full), 200);
        var (never, stats) = ExitFixtures.Generate(generator, session,
            new GenerationSettings(GenerationMode.Exit, Lambda: 1.5f, Candidates: [0, 1, 2, 3]), 200);

        full.Should().HaveCount(200);
        ExitFixtures.Ids(never).Should().Equal(ExitFixtures.Ids(full));
        never.Should().OnlyContain(t => t.ExitLayer == session.NLayer - 1);
        stats.BlocksPerToken.Should().Be(session.NLayer, "the scheduler reached every block of every step");
    }

    [Fact]
    public void Lambda_zero_exits_every_generated_token_at_the_first_candidate()
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        var generator = new EarlyExitGenerator(session, ExitFixtures.RandomJump(session.NEmbd));
        var (tokens, stats) = ExitFixtures.Generate(generator, session,
            new GenerationSettings(GenerationMode.Exit, Lambda: 0f, Candidates: [1, 2, 3]), 40);

        tokens.Should().HaveCount(40);
        tokens[0].ExitLayer.Should().Be(session.NLayer - 1, "the prompt is a multi-token batch and runs at full depth");
        tokens.Skip(1).Should().OnlyContain(t => t.ExitLayer == 1);
        stats.ExitHistogram[1].Should().Be(39);
        // the first token came from the prompt (its share: n_layer blocks), the other 39 from decodes that reached 2 blocks
        stats.BlocksExecuted.Should().Be(session.NLayer + 39 * 2);
    }

    /// <summary>Random-weight models have near-tied logits: spec equals full except at a near tie (see
    /// <see cref="SpecEquality"/>), where it may take the other token.</summary>
    [Theory]
    [InlineData("llama")]
    [InlineData("gpt2")]
    [InlineData("phi3")]
    public void Spec_greedy_output_equals_full_for_200_tokens_except_at_a_near_tie(string model)
    {
        using var session = ExitFixtures.Open(ModelFor(model));
        var generator = new EarlyExitGenerator(session, ExitFixtures.RandomJump(session.NEmbd));
        var (full, _) = ExitFixtures.Generate(generator, session, new GenerationSettings(GenerationMode.Full), 200);
        var (spec, stats) = ExitFixtures.Generate(generator, session,
            new GenerationSettings(GenerationMode.Spec, ExitLayer: 1, DraftLength: 4), 200);

        SpecEquality.AssertEqualExceptNearTies(session, session.Tokenize(ExitFixtures.Prompt), ExitFixtures.Ids(full), ExitFixtures.Ids(spec));
        AssertSpecBookkeeping(session, spec, stats, draftBlock: 1);
    }

    /// <summary>stories260K has real weights: spec equals full token for token, for 200 tokens from each prompt.</summary>
    [Theory]
    [InlineData("Once upon a time, there was a little girl named Lily.")]
    [InlineData("One day, a boy named Tom went to the park with his dog.")]
    [InlineData("The sun was shining and the birds were singing.")]
    public void Spec_greedy_output_equals_full_for_200_tokens_on_stories260K(string prompt)
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        var generator = new EarlyExitGenerator(session, ExitFixtures.RandomJump(session.NEmbd));
        var (full, _) = ExitFixtures.Generate(generator, session, new GenerationSettings(GenerationMode.Full), 200, prompt);
        var (spec, stats) = ExitFixtures.Generate(generator, session,
            new GenerationSettings(GenerationMode.Spec, ExitLayer: 1, DraftLength: 4), 200, prompt);

        full.Should().HaveCount(200);
        SpecEquality.AssertStrictlyEqual(session, session.Tokenize(prompt), ExitFixtures.Ids(full), ExitFixtures.Ids(spec));
        AssertSpecBookkeeping(session, spec, stats, draftBlock: 1);
    }

    /// <summary>Batched and one-token-at-a-time decoding differ by float rounding only: at most 5e-3 of the largest
    /// logit (a wrong mask, position or cache cell gives differences of the logits' own size). Prints the largest
    /// difference, the figure behind <see cref="SpecEquality.NearTie"/>.</summary>
    [Theory]
    [InlineData("stories260K")]
    [InlineData("llama")]
    [InlineData("gpt2")]
    [InlineData("phi3")]
    public void Batched_and_sequential_logits_differ_by_float_rounding_only(string model)
    {
        using var session = ExitFixtures.Open(ModelFor(model));
        var generator = new EarlyExitGenerator(session, jump: null);
        var (full, _) = ExitFixtures.Generate(generator, session, new GenerationSettings(GenerationMode.Full), 64);
        var prompt = session.Tokenize(ExitFixtures.Prompt);
        var ids = ExitFixtures.Ids(full);
        float worst = 0, scale = 0;
        foreach (int length in new[] { 1, 2, 5, 16, 40, ids.Length - 1 })
        {
            var step = SpecEquality.Logits(session, prompt, ids.AsSpan(0, length));
            worst = Math.Max(worst, step.MaxAbsDiff);
            scale = Math.Max(scale, step.MaxAbsLogit);
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{model}: max |batched − sequential| logit = {worst:E2}, largest |logit| {scale:F2}");
        worst.Should().BeLessThan(5e-3f * scale);
    }

    private static void AssertSpecBookkeeping(ModelSession session, IReadOnlyList<GeneratedToken> spec, GenerationStats stats, int draftBlock)
    {
        stats.Drafted.Should().BeGreaterThan(0);
        stats.AcceptanceRate.Should().NotBeNull();
        spec.Where(t => t.DraftAccepted == true).Should().OnlyContain(t => t.ExitLayer == draftBlock);
        spec.Where(t => t.DraftAccepted == false).Should().OnlyContain(t => t.ExitLayer == session.NLayer - 1);
        spec.Count(t => t.DraftAccepted == true).Should().Be(stats.DraftsAccepted);
    }

    [Fact]
    public void Spec_emits_each_token_as_an_accepted_draft_or_the_full_models_own()
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        var generator = new EarlyExitGenerator(session, ExitFixtures.RandomJump(session.NEmbd));
        var (spec, stats) = ExitFixtures.Generate(generator, session,
            new GenerationSettings(GenerationMode.Spec, ExitLayer: session.NLayer - 2, DraftLength: 3), 60);
        int corrections = spec.Count(t => t.DraftAccepted == false);
        (stats.DraftsAccepted + corrections).Should().Be(spec.Count);
        stats.Tokens.Should().Be(60);
    }

    [Theory]
    [InlineData(KvFill.Propagate)]
    [InlineData(KvFill.Recompute)]
    public void Fixed_exit_reports_its_block_for_every_generated_token(KvFill fill)
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        var generator = new EarlyExitGenerator(session, ExitFixtures.RandomJump(session.NEmbd));
        var (tokens, stats) = ExitFixtures.Generate(generator, session,
            new GenerationSettings(GenerationMode.Exit, ExitLayer: 2, Fill: fill), 30);
        tokens.Should().HaveCount(30);
        if (fill == KvFill.Propagate)
        {
            tokens.Skip(1).Should().OnlyContain(t => t.ExitLayer == 2);
        }
        else
        {
            // every exited token is recomputed at full depth with the next one, whose own step therefore runs at
            // full depth: exits alternate with full-depth tokens
            tokens.Skip(1).Select(t => t.ExitLayer).Should().OnlyContain(l => l == 2 || l == session.NLayer - 1);
            tokens.Skip(1).Count(t => t.ExitLayer == 2).Should().BeInRange(14, 15);
        }
        stats.ExitHistogram.Sum().Should().Be(30);
    }
}
