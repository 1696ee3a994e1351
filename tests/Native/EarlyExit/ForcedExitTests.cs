using AwesomeAssertions;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop.EarlyExit;

namespace LlamaJump.Tests.Native.EarlyExit;

/// <summary>
/// <see cref="EarlyExitGenerator.ForcedExit"/>, the teacher-forced exit behind <c>bench exit --dump</c>: the last
/// token's exit block and next token under each history — the tokens before it at full depth in one batch, or one
/// per decode in exit mode with propagation or recompute.
/// </summary>
public sealed class ForcedExitTests
{
    private static readonly string[] Sentences =
    [
        "Once upon a time, there was a little girl named Lily.",
        "One day, a boy named Tom went to the park with his dog.",
        "The sun was shining and the birds were singing.",
    ];

    [Fact]
    public void Where_nothing_exits_the_next_token_is_the_full_models()
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        var generator = new EarlyExitGenerator(session, ExitFixtures.RandomJump(session.NEmbd));
        var never = new GenerationSettings(GenerationMode.Exit, Lambda: 2f, Fill: KvFill.Propagate);
        foreach (string sentence in Sentences)
        {
            var tokens = session.Tokenize(sentence);
            var (full, _) = ExitFixtures.Generate(generator, session, new GenerationSettings(GenerationMode.Full), 1, sentence);
            foreach (bool atFullDepth in new[] { true, false })
            {
                var (exit, next) = generator.ForcedExit(tokens, never, atFullDepth);
                exit.Should().Be(session.NLayer - 1, sentence);
                next.Should().Be(full[0].Id, $"{sentence} (history at full depth: {atFullDepth})");
            }
        }
    }

    [Fact]
    public void A_fixed_exit_holds_for_the_last_token_except_right_after_an_exit_under_recompute()
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        var generator = new EarlyExitGenerator(session, ExitFixtures.RandomJump(session.NEmbd));
        var tokens = session.Tokenize(Sentences[0]);
        generator.ForcedExit(tokens, new GenerationSettings(GenerationMode.Exit, ExitLayer: 1, Fill: KvFill.Recompute), historyAtFullDepth: true)
            .ExitLayer.Should().Be(1);
        generator.ForcedExit(tokens, new GenerationSettings(GenerationMode.Exit, ExitLayer: 1, Fill: KvFill.Propagate))
            .ExitLayer.Should().Be(1);
        // every token before it exited at block 1, and under recompute the last one is decoded with the one before it,
        // whose skipped blocks it recomputes: a two-token decode, which never exits
        generator.ForcedExit(tokens, new GenerationSettings(GenerationMode.Exit, ExitLayer: 1, Fill: KvFill.Recompute))
            .ExitLayer.Should().Be(session.NLayer - 1);
        session.CachedTokens.Should().BeEmpty("a teacher-forced run leaves nothing for generation to reuse");
    }

    [Fact]
    public void Bad_input_is_refused()
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K, maxTokens: 16);
        var generator = new EarlyExitGenerator(session, ExitFixtures.RandomJump(session.NEmbd));
        var exit = new GenerationSettings(GenerationMode.Exit);
        var empty = () => generator.ForcedExit([], exit);
        empty.Should().Throw<ArgumentException>();
        var full = () => generator.ForcedExit([1, 2], new GenerationSettings(GenerationMode.Full));
        full.Should().Throw<ArgumentException>().WithMessage("*runs exit mode*");
        var tooLong = () => generator.ForcedExit(Enumerable.Repeat(1, session.Options.ContextSize + 1).ToArray(), exit);
        tooLong.Should().Throw<ArgumentException>();
    }
}
