using AwesomeAssertions;
using LlamaJump.App.Chat;

namespace LlamaJump.Tests.Pure.Chat;

[Collection(nameof(ChatCollection))]
public sealed class HistogramTests
{
    private static string Row(string screen, string label) =>
        screen.Split('\n').Select(l => l.Split('│').FirstOrDefault(cell => cell.StartsWith(label, StringComparison.Ordinal)))
            .FirstOrDefault(cell => cell is not null) ?? throw new InvalidOperationException($"no row {label} in\n{screen}");

    [Fact]
    public void The_panel_counts_exits_per_level_for_the_reply_and_the_session()
    {
        var script = new[] { Tokens.At(0, "a"), Tokens.At(0, "b"), Tokens.At(3, "c"), Tokens.At(4, "d"), Tokens.At(4, "e"), Tokens.At(4, "f") };
        using var chat = new ChatHarness(new ScriptedGenerator(5, script));
        chat.Ask("one");
        var screen = chat.Screen;
        Row(screen, "L0 ").Should().MatchRegex(@"^L0\s+2\s+2\b");
        Row(screen, "L1 ").Should().MatchRegex(@"^L1\s+0\s+0\b");
        Row(screen, "L3 ").Should().MatchRegex(@"^L3\s+1\s+1\b");
        Row(screen, "L4=").Should().MatchRegex(@"^L4=\s+3\s+3\b");

        chat.Ask("two"); // the same script again: the reply counts restart, the session counts add up
        screen = chat.Screen;
        Row(screen, "L0 ").Should().MatchRegex(@"^L0\s+2\s+4\b");
        Row(screen, "L4=").Should().MatchRegex(@"^L4=\s+3\s+6\b");
        // blocks/token comes from the generator's own counters: (2·1 + 1·4 + 3·5) / 6 = 3.5
        screen.Should().Contain("blocks/token 3.50 of 5");
    }

    [Fact]
    public void Mean_blocks_count_k_plus_one_blocks_for_an_exit_at_block_k()
    {
        var counts = new ExitCounts(4);
        counts.Add(0);
        counts.Add(3);
        counts.Add(3);
        counts.MeanBlocks.Should().Be((1 + 4 + 4) / 3.0);
        counts.Counts.Should().Equal(1, 0, 0, 2);
        counts.Clear();
        counts.Total.Should().Be(0);
        counts.MeanBlocks.Should().Be(0);
    }
}
