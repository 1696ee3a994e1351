using LlamaJump.App.Chat;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.Text;
using Terminal.Gui.ViewBase;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace LlamaJump.Tui.Chat.Views;

/// <summary>
/// The conversation: user input dimmed, reply tokens coloured by their exit level (<see cref="ExitPalette"/>),
/// notes in red. It follows the end of the conversation while a reply streams, unless the user scrolled up
/// (PageUp/PageDown, ↑/↓ when focused). When focused, ←/→ select a reply token (shown reversed) and Enter asks
/// the controller to inspect it. A draw lays out only the turns that changed since the last one
/// (<see cref="TranscriptLines"/>).
/// </summary>
public sealed class TranscriptView : View
{
    private readonly ChatController _chat;
    private readonly TranscriptLines _lines = new();
    private int _scrollBack;

    public TranscriptView(ChatController chat)
    {
        _chat = chat;
        CanFocus = true;
    }

    /// <summary>The selected reply token as (turn, token index), or null.</summary>
    public (int Turn, int Token)? Selection { get; private set; }

    /// <summary>The view writes every cell of its viewport itself (<see cref="OnDrawingContent"/>), so Terminal.Gui's
    /// clearing pass, a third of a redraw's cost, is skipped.</summary>
    protected override bool OnClearingViewport() => true;

    protected override bool OnDrawingContent(DrawContext? context)
    {
        var normal = GetAttributeForRole(VisualRole.Normal);
        int width = Viewport.Width;
        var lines = _lines.For(_chat.Turns, width);
        int height = Math.Max(1, Viewport.Height);
        _scrollBack = Math.Clamp(_scrollBack, 0, Math.Max(0, lines.Count - height));
        int first = Math.Max(0, lines.Count - height - _scrollBack);
        for (int row = 0; row < height; row++)
        {
            int end = 0;
            if (first + row < lines.Count)
            {
                foreach (var span in lines[first + row])
                {
                    SetAttribute(AttributeOf(span, normal));
                    Move(span.Column, row);
                    AddStr(span.Text);
                    end = span.Column + span.Text.GetColumns();
                }
            }
            if (end < width)
            {
                SetAttribute(normal);
                Move(end, row);
                AddStr(new string(' ', width - end));
            }
        }
        SetAttribute(normal);
        return true;
    }

    private Attribute AttributeOf(TranscriptSpan span, Attribute normal)
    {
        switch (span.Kind)
        {
            case SpanKind.User:
                return new Attribute(new Color(ColorName16.DarkGray), normal.Background);
            case SpanKind.Note:
                return new Attribute(new Color(ColorName16.Red), normal.Background);
        }
        var turn = _chat.Turns[span.Turn];
        var token = turn.Reply[span.Token];
        Attribute attribute = token.DraftAccepted == false
            ? new Attribute(ExitPalette.Correction.Foreground, ExitPalette.Correction.Background)
            : ExitPalette.ForLevel(token.ExitLayer, turn.NLayer) is { } colour ? new Attribute(colour, normal.Background) : normal;
        return Selection == (span.Turn, span.Token) ? new Attribute(attribute.Background, attribute.Foreground) : attribute;
    }

    protected override bool OnKeyDown(Key key)
    {
        if (key == Key.PageUp || key == Key.CursorUp)
        {
            Scroll(key == Key.PageUp ? Viewport.Height - 1 : 1);
            return true;
        }
        if (key == Key.PageDown || key == Key.CursorDown)
        {
            Scroll(-(key == Key.PageDown ? Viewport.Height - 1 : 1));
            return true;
        }
        if (key == Key.CursorLeft || key == Key.CursorRight)
        {
            MoveSelection(key == Key.CursorLeft ? -1 : 1);
            return true;
        }
        if (key == Key.Enter && Selection is { } selected)
        {
            _chat.Inspect(_chat.Turns[selected.Turn], selected.Token);
            return true;
        }
        return base.OnKeyDown(key);
    }

    /// <summary>Scrolls <paramref name="lines"/> towards the start (negative: towards the end).</summary>
    public void Scroll(int lines)
    {
        _scrollBack = Math.Max(0, _scrollBack + lines);
        SetNeedsDraw();
    }

    /// <summary>Moves the selection by <paramref name="delta"/> reply tokens across turns; with no selection it
    /// starts at the last token.</summary>
    public void MoveSelection(int delta)
    {
        var all = _chat.Turns.SelectMany((turn, t) => turn.Reply.Select((_, i) => (t, i))).ToList();
        if (all.Count == 0)
        {
            Selection = null;
            return;
        }
        int at = Selection is { } s ? all.IndexOf(s) : -1;
        at = at < 0 ? all.Count - 1 : Math.Clamp(at + delta, 0, all.Count - 1);
        Selection = all[at];
        SetNeedsDraw();
    }

    /// <summary>Forgets the selection (after the conversation was cleared) and follows the end again.</summary>
    public void Reset()
    {
        Selection = null;
        _scrollBack = 0;
        SetNeedsDraw();
    }
}
