using AwesomeAssertions;
using LlamaJump.App.Chat;
using LlamaJump.Tui.Chat.Views;

namespace LlamaJump.Tests.Pure.Chat;

[Collection(nameof(ChatCollection))]
public sealed class SmallTerminalTests
{
    [Fact]
    public void At_40_by_12_the_reply_input_and_a_one_line_summary_fit()
    {
        var script = new[] { Tokens.At(0, "tiny "), Tokens.At(4, "reply") };
        using var chat = new ChatHarness(new ScriptedGenerator(5, script), cols: 40, rows: 12);
        chat.Ask("hi");
        var screen = chat.Screen;
        var lines = screen.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(12);
        screen.Should().Contain("tiny reply");
        screen.Should().Contain("L0:1 L4:1").And.Contain("λ0.90 full");
        screen.Should().NotContain("Exits", "the side panel is left out when narrow");
    }

    [Fact]
    public void Partial_utf8_tokens_take_no_cells_until_the_character_is_complete()
    {
        // "é" split over two byte tokens: the first completes nothing (Text ""), the second completes "é".
        var turn = new ChatTurn("x", "m", 3);
        turn.Add(new LlamaJump.Engine.Generation.GeneratedToken(1, "\uFFFD", "", 0));
        turn.Add(new LlamaJump.Engine.Generation.GeneratedToken(2, "\uFFFD", "é", 1));
        turn.Add(new LlamaJump.Engine.Generation.GeneratedToken(3, "界", "界", 2));
        var lines = TranscriptLayout.Lines([turn], 2);

        lines.Select(l => string.Concat(l.Select(s => s.Text))).Should().Equal("> ", "x", "é", "界");
        lines[2].Single().Token.Should().Be(1);
        lines[3].Single().Token.Should().Be(2, "the wide character does not fit after é in 2 columns and wraps");
    }
}
