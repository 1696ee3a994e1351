using AwesomeAssertions;
using LlamaJump.App.Chat;
using LlamaJump.Engine.Generation;
using LlamaJump.Tui.Chat.Views;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace LlamaJump.Tests.Pure.Chat;

/// <summary>A streaming reply reaches the UI in batches: the worker never posts per token, the UI thread takes what
/// arrived once per tick and once more at the end. No test here depends on how fast anything runs: the UI "thread" is
/// the test, which decides when a frame happens (<see cref="ManualDispatcher.Drain"/>).</summary>
[Collection(nameof(ChatCollection))]
public sealed class StreamingTests
{
    private static ScriptedGenerator Words(int count, int? holdAfter = null) =>
        new(5, Enumerable.Range(0, count).Select(i => Tokens.At(i % 5, $"w{i} ")).ToList()) { HoldAfter = holdAfter };

    [Fact]
    public void A_thousand_instant_tokens_cost_two_posts_and_a_few_redraws_and_all_reach_the_transcript()
    {
        var generator = Words(1000);
        using var chat = new ChatHarness(generator, options: new ChatOptions("fake.gguf", null, GenerationMode.Full, 0.9f, MaxReplyTokens: 1000));
        int changes = 0;
        chat.Chat.Changed += () => changes++;
        int? generatedAtDraw = null;
        chat.Dispatcher.OnDraw = () => generatedAtDraw = generator.SettingsSeen.Count;

        chat.Type("go");
        chat.Press(Key.Enter); // one frame while the worker starts
        generator.Finished.Wait(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken).Should().BeTrue("the fake generator yields its tokens at once");
        chat.WaitFor(() => !chat.Chat.Generating, "the reply to end");

        var turn = chat.Chat.Turns.Should().ContainSingle().Subject;
        turn.Reply.Should().HaveCount(1000);
        turn.ReplyText.Should().Be(string.Concat(Enumerable.Range(0, 1000).Select(i => $"w{i} ")));
        chat.Chat.ReplyCounts.Total.Should().Be(1000);
        chat.Chat.ReplyCounts.Counts.Should().Equal(200, 200, 200, 200, 200);
        chat.Chat.Message.Should().MatchRegex(@"^\d+ tokens, \d+ tokens/s$").And.Be("1000 tokens, 2000 tokens/s");
        chat.Screen.Should().Contain("1000 tokens, 2000 tokens/s").And.Contain("w999");

        chat.Dispatcher.Posted.Should().Be(2, "the worker posts the prompt and the end of the reply, never a token");
        // Send, the prompt, at most one batch in the frame after Enter and one after the generator finished, the end:
        changes.Should().BeInRange(3, 5, "the UI redraws per batch, not per token");
        chat.Dispatcher.Draws.Should().Be(1);
        generatedAtDraw.Should().Be(0, "the user's turn is drawn before the worker starts the reply");
        chat.Dispatcher.Intervals.Should().Equal([ChatController.FlushInterval], "one ticker per reply");
        chat.Dispatcher.RunningTickers.Should().Be(0, "the ticker ends with the reply");
    }

    [Fact]
    public void Tokens_of_a_reply_still_streaming_appear_at_the_next_tick()
    {
        using var chat = new ChatHarness(Words(50, holdAfter: 3));
        chat.Type("go");
        chat.Press(Key.Enter);
        chat.WaitFor(() => chat.Chat.Turns[0].Reply.Count == 3, "three tokens on screen");

        chat.Chat.Generating.Should().BeTrue();
        chat.Dispatcher.Posted.Should().Be(1, "only the prompt was posted: the tokens came with a tick");
        chat.Screen.Should().Contain("w0 w1 w2");
        chat.Press(ChatKeys.Stop);
        chat.WaitFor(() => !chat.Chat.Generating, "the reply to stop");
        chat.Chat.Turns[0].ReplyText.Should().Be("w0 w1 w2 ");
    }

    [Fact]
    public void Tokens_still_on_their_way_when_the_conversation_is_cleared_do_not_count()
    {
        var generator = Words(50, holdAfter: 4);
        using var chat = new ChatHarness(generator);
        chat.Type("go");
        chat.Dispatcher.Drain();
        chat.App.InjectKey(Key.Enter); // no frame: the tokens stay in the buffer
        generator.Held.Wait(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken).Should().BeTrue();

        chat.Press(ChatKeys.Clear); // clears, then a frame takes the four tokens
        chat.WaitFor(() => !chat.Chat.Generating, "the reply to stop");

        chat.Chat.Turns.Should().BeEmpty();
        chat.Chat.ReplyCounts.Total.Should().Be(0);
        chat.Chat.SessionCounts.Total.Should().Be(0);
        chat.Screen.Should().NotContain("w0");
    }

    [Fact]
    public void The_buffer_hands_over_every_token_in_order_while_the_producer_runs()
    {
        var buffer = new ReplyBuffer();
        buffer.Take().Tokens.Should().BeEmpty();
        buffer.Take().Stats.Should().BeNull();

        const int count = 20_000;
        var producer = new Thread(() =>
        {
            for (int i = 0; i < count; i++)
            {
                buffer.Add(new GeneratedToken(i, "", "", 0), new GenerationStats(i + 1, 0, 1, []));
            }
        });
        producer.Start();
        var received = new List<int>();
        int batches = 0;
        GenerationStats? last = null;
        while (received.Count < count)
        {
            // read before taking: a producer that had finished by then left everything it added in the buffer
            bool producerDone = !producer.IsAlive;
            var (tokens, stats) = buffer.Take();
            if (tokens.Count > 0)
            {
                batches++;
                stats.Should().NotBeNull();
                stats!.Tokens.Should().Be(tokens[^1].Id + 1, "the counters come with the last token of the batch");
                last = stats;
            }
            received.AddRange(tokens.Select(t => t.Id));
            if (producerDone && tokens.Count == 0 && received.Count < count)
            {
                throw new InvalidOperationException($"{count - received.Count} tokens were lost");
            }
        }
        producer.Join();
        received.Should().Equal(Enumerable.Range(0, count));
        last!.Tokens.Should().Be(count);
        batches.Should().BeGreaterThan(0);
        buffer.Take().Tokens.Should().BeEmpty();
    }

    [Fact]
    public void Kept_lines_equal_a_fresh_layout_as_a_reply_grows_ends_and_the_width_changes()
    {
        var lines = new TranscriptLines();
        var first = new ChatTurn("hello", "m", 5);
        first.Add([Tokens.At(0, "one two "), Tokens.At(4, "three\n")]);
        first.State = TurnState.Finished;
        var second = new ChatTurn("again", "m", 5);
        var turns = new List<ChatTurn> { first, second };

        void Same(int width) =>
            Text(lines.For(turns, width)).Should().Equal(Text(TranscriptLayout.Lines(turns, width)));

        Same(12);
        second.Add([Tokens.At(1, "four five six seven")]);
        Same(12);
        second.State = TurnState.Stopped;
        Same(12);
        Same(7);
        turns.RemoveAt(1);
        Same(7);
        turns[0] = new ChatTurn("new", "m", 5);
        Same(7);
        lines.For(turns, 7).SelectMany(l => l).Should().ContainSingle().Which.Should().Be(new TranscriptSpan(0, "> new", SpanKind.User, 0));
    }

    [Fact]
    public void Frames_come_at_most_every_interval_and_take_at_most_their_share_of_the_time()
    {
        var least = ChatController.FlushInterval;
        FramePacing.Next(least, TimeSpan.Zero).Should().Be(least);
        FramePacing.Next(least, TimeSpan.FromMilliseconds(2)).Should().Be(least, "a 2 ms frame every 40 ms is 5 %");
        var after = FramePacing.Next(least, TimeSpan.FromMilliseconds(10));
        after.Should().Be(TimeSpan.FromMilliseconds(190));
        (10 / (10 + after.TotalMilliseconds)).Should().BeApproximately(FramePacing.UiShare, 1e-9);
    }

    private static List<string> Text(IReadOnlyList<IReadOnlyList<TranscriptSpan>> lines) =>
        lines.Select(l => string.Join("|", l.Select(s => $"{s.Column}:{s.Text}:{s.Kind}:{s.Turn}:{s.Token}"))).ToList();
}
