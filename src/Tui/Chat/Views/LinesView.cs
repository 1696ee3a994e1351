using LlamaJump.App.Chat;
using Terminal.Gui.Drawing;
using Terminal.Gui.ViewBase;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace LlamaJump.Tui.Chat.Views;

/// <summary>Draws the lines <paramref name="lines"/> returns for the current width, each piece in its colour; lines
/// beyond the height are cut. The caller calls <see cref="View.SetNeedsDraw()"/> when the source changes.</summary>
public sealed class LinesView(Func<int, IReadOnlyList<StyledLine>> lines) : View
{
    protected override bool OnDrawingContent(DrawContext? context)
    {
        var normal = GetAttributeForRole(VisualRole.Normal);
        var shown = lines(Viewport.Width);
        for (int row = 0; row < Math.Min(shown.Count, Viewport.Height); row++)
        {
            Move(0, row);
            foreach (var part in shown[row].Parts)
            {
                SetAttribute(part.Foreground is { } colour ? new Attribute(colour, normal.Background) : normal);
                AddStr(part.Text);
            }
        }
        SetAttribute(normal);
        return true;
    }
}
