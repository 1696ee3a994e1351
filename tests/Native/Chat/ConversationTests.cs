using AwesomeAssertions;
using LlamaJump.Engine;
using LlamaJump.Engine.Generation;

namespace LlamaJump.Tests.Native.Chat;

/// <summary>
/// A conversation keeps its K/V between turns: turn n decodes only its new tokens, and its logits equal those of a
/// fresh decode of the whole conversation on a second session. Tolerance: the kept prefix was decoded in other batch
/// shapes (one batch per turn, one token per reply step) than the fresh decode's single batch, so the two differ by
/// float rounding only — the same bound as <c>Batched_and_sequential_logits_differ_by_float_rounding_only</c>:
/// max |Δ| below 5e-3 of the largest logit.
/// </summary>
public sealed class ConversationTests
{
    private static readonly string[] Lines =
    [
        "Once upon a time there was a little girl named Lily.",
        " One day she found a small red ball.",
        " She wanted to share it with her friend Tom.",
        " But Tom was sad because his dog was lost.",
        " So they went to look for the dog.",
    ];

    private const int ReplyTokens = 24;

    private static ModelSession Open() => ModelSession.Open(TestPaths.Stories260K, new SessionOptions(MaxTokens: 512, Threads: 1));

    private static int[] Tokens(ModelSession session, int turn) => turn == 0
        ? session.Tokenize(Lines[0])
        : session.Context.Tokenize(Lines[turn], addBos: false, special: false).Select(t => (int)t).ToArray();

    /// <summary>The logits of the last prompt token of the decode that produced the first token just read.</summary>
    private static float[] PromptLogits(ModelSession session, int decodedPromptTokens) =>
        session.Context.NativeHandle.GetLogitsIth(decodedPromptTokens - 1).ToArray();

    /// <summary>The modes whose cells are full depth: full; spec (every cell verified at full depth; a random jump, so
    /// drafts are mostly rejected); exit at a fixed block with recompute (every exited token decoded again at full
    /// depth with the next one).</summary>
    public static TheoryData<string> ExactModes => ["full", "spec", "exit-recompute"];

    private static GenerationSettings Settings(string mode) => mode switch
    {
        "full" => new GenerationSettings(),
        "spec" => new GenerationSettings(GenerationMode.Spec, DraftLength: 3, ExitLayer: 2),
        _ => new GenerationSettings(GenerationMode.Exit, ExitLayer: 2, Fill: KvFill.Recompute),
    };

    [Theory]
    [MemberData(nameof(ExactModes))]
    public void Turn_five_decodes_only_its_new_tokens_and_its_logits_equal_a_fresh_decode_of_the_conversation(string mode)
    {
        var ct = TestContext.Current.CancellationToken;
        using var session = Open();
        var generator = new EarlyExitGenerator(session, mode == "full" ? null : EarlyExit.ExitFixtures.RandomJump(session.NEmbd));
        var conversation = new Conversation(generator, session.Options.ContextSize);
        var control = new GenerationControl(Settings(mode));
        for (int turn = 0; turn < 4; turn++)
        {
            conversation.Reply(Tokens(session, turn), ReplyTokens, control, ct).ToList();
        }
        int before = conversation.Tokens.Count;
        var user = Tokens(session, 4);
        var whole = conversation.Tokens.Concat(user).ToArray();

        using var reply = conversation.Reply(user, ReplyTokens, control, ct).GetEnumerator();
        reply.MoveNext().Should().BeTrue();
        int kept = generator.ReusedTokens;
        var keptLogits = PromptLogits(session, whole.Length - kept);
        int keptFirst = reply.Current.Id;

        // every cell but the last reply token's (chosen, never fed) is kept, and with recompute the token before it
        // (exited, its blocks after the exit not yet recomputed)
        kept.Should().BeInRange(before - 2, before, "turn 5 reuses the K/V of turns 1–4");
        whole.Length.Should().BeGreaterThan(4 * ReplyTokens, "the conversation holds four replies");

        using var fresh = Open();
        var freshGenerator = new EarlyExitGenerator(fresh, null);
        using var freshReply = freshGenerator.Generate(whole, ReplyTokens, new GenerationControl(new GenerationSettings()), ct).GetEnumerator();
        freshReply.MoveNext().Should().BeTrue();
        var freshLogits = PromptLogits(fresh, whole.Length);

        float scale = freshLogits.Max(MathF.Abs);
        float diff = keptLogits.Zip(freshLogits, (a, b) => MathF.Abs(a - b)).Max();
        TestContext.Current.SendDiagnosticMessage($"{mode}: turn 5: {whole.Length} tokens, {kept} kept; max |Δlogit| {diff:G3} against {scale:G3}");
        diff.Should().BeLessThan(5e-3f * scale);
        var sorted = freshLogits.OrderDescending().ToArray();
        if (mode == "full" && sorted[0] - sorted[1] > 2 * diff)
        {
            keptFirst.Should().Be(freshReply.Current.Id, "away from a near tie both pick the same token");
        }
    }

    [Fact]
    public void A_decode_by_another_user_of_the_session_makes_the_next_turn_decode_everything_again()
    {
        var ct = TestContext.Current.CancellationToken;
        using var session = Open();
        var generator = new EarlyExitGenerator(session, null);
        var conversation = new Conversation(generator, session.Options.ContextSize);
        var control = new GenerationControl(new GenerationSettings());
        var first = conversation.Reply(Tokens(session, 0), ReplyTokens, control, ct).Select(t => t.Id).ToList();
        session.CachedTokens.Should().NotBeEmpty();

        _ = new CaptureDecoder(session).Decode([session.Tokenize("Tom")]);
        session.CachedTokens.Should().BeEmpty("the capture cleared the cache");

        var second = conversation.Reply(Tokens(session, 1), ReplyTokens, control, ct).Select(t => t.Id).ToList();
        generator.ReusedTokens.Should().Be(0);
        second.Should().NotBeEmpty();

        // the same two turns on a fresh session, nothing in between: the same reply
        using var other = Open();
        var again = new Conversation(new EarlyExitGenerator(other, null), other.Options.ContextSize);
        again.Reply(Tokens(other, 0), ReplyTokens, control, ct).Select(t => t.Id).Should().Equal(first);
        again.Reply(Tokens(other, 1), ReplyTokens, control, ct).Select(t => t.Id).Should().Equal(second);
    }
}
