using AwesomeAssertions;
using LlamaJump.App.Chat;
using LlamaJump.Tui.Chat.Views;
using Terminal.Gui.Drawing;

namespace LlamaJump.Tests.Pure.Chat;

[Collection(nameof(ChatCollection))]
public sealed class TranscriptColourTests
{
    [Fact]
    public void Tokens_are_drawn_in_the_colour_of_their_exit_level_and_full_depth_tokens_plain()
    {
        var generator = new ScriptedGenerator(5, [Tokens.At(0, "AAA "), Tokens.At(1, "BBB "), Tokens.At(3, "CCC "), Tokens.At(4, "DDD")]);
        using var chat = new ChatHarness(generator);
        chat.Ask("go");

        chat.AttributeAt("AAA").Foreground.Should().Be(ExitPalette.Colors[0]);
        chat.AttributeAt("BBB").Foreground.Should().Be(ExitPalette.Colors[1]);
        chat.AttributeAt("CCC").Foreground.Should().Be(ExitPalette.Colors[3]);
        var plain = chat.Window.Transcript.GetAttributeForRole(VisualRole.Normal);
        chat.AttributeAt("DDD").Foreground.Should().Be(plain.Foreground);
        ExitPalette.Colors.Should().NotContain(plain.Foreground);
    }

    [Fact]
    public void A_spec_correction_is_marked_apart_from_accepted_drafts()
    {
        var generator = new ScriptedGenerator(5, [Tokens.At(2, "ACC ", accepted: true), Tokens.At(4, "FIX", accepted: false)]);
        using var chat = new ChatHarness(generator);
        chat.Ask("go");

        chat.AttributeAt("ACC").Foreground.Should().Be(ExitPalette.Colors[2]);
        chat.AttributeAt("FIX").Background.Should().Be(ExitPalette.Correction.Background);
    }

    [Fact]
    public void The_legend_names_every_exit_level_in_its_colour()
    {
        using var chat = new ChatHarness(new ScriptedGenerator(5, []));
        chat.Screen.Should().Contain("colours: L0 L1 L2 L3 full");
        chat.AttributeAt(" L2 L3 full").Foreground.Should().Be(ExitPalette.Colors[2]);
    }

    [Fact]
    public void Deep_models_share_colours_between_bands_of_levels()
    {
        // 33 blocks: exit levels 0 … 31 in six bands; the deepest exit level gets the last colour, full depth none.
        ExitPalette.ForLevel(0, 33).Should().Be(ExitPalette.Colors[0]);
        ExitPalette.ForLevel(31, 33).Should().Be(ExitPalette.Colors[^1]);
        ExitPalette.ForLevel(32, 33).Should().BeNull();
        ExitPalette.Legend(33).Should().HaveCount(ExitPalette.Colors.Length);
        ExitPalette.Legend(33).Select(b => b.Last - b.First + 1).Sum().Should().Be(32);
    }
}
