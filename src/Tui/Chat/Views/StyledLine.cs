using LlamaJump.App.Chat;
using Terminal.Gui.Drawing;

namespace LlamaJump.Tui.Chat.Views;

/// <summary>A piece of a panel line: text in a colour (null: the view's normal colour).</summary>
public sealed record StyledText(string Text, Color? Foreground = null);

/// <summary>A panel line made of styled pieces; <see cref="ToString"/> is its plain text.</summary>
public sealed record StyledLine(IReadOnlyList<StyledText> Parts)
{
    public StyledLine(string text, Color? foreground = null) : this([new StyledText(text, foreground)]) { }

    public override string ToString() => string.Concat(Parts.Select(p => p.Text));
}
