using System.Text;
using LlamaJump.App.Chat;
using Terminal.Gui.Text;

namespace LlamaJump.Tui.Chat.Views;

/// <summary>What a piece of the transcript is: the user's input, a reply token (<see cref="TranscriptSpan.Turn"/>,
/// <see cref="TranscriptSpan.Token"/>), or a note (a stopped or failed reply).</summary>
public enum SpanKind
{
    User,
    Token,
    Note,
}

/// <summary>Text that starts at <see cref="Column"/> of its line.</summary>
public sealed record TranscriptSpan(int Column, string Text, SpanKind Kind, int Turn = -1, int Token = -1);

/// <summary>
/// Lays the conversation out in lines of at most <c>width</c> columns: each turn is "&gt; input" on its own line(s),
/// then the reply's tokens one after the other, wrapped at the width (a token may be split across lines; a newline
/// in a token starts a new line), then a note when the reply was stopped or failed. Column widths follow the
/// terminal (wide characters take two). Tokens whose text is empty — the first bytes of a character spread over
/// several tokens — take no cells. Every turn starts on a line of its own, so the conversation's lines are its turns'
/// lines one after the other (<see cref="Turn"/>), and a turn that did not change need not be laid out again.
/// </summary>
public static class TranscriptLayout
{
    public static IReadOnlyList<IReadOnlyList<TranscriptSpan>> Lines(IReadOnlyList<ChatTurn> turns, int width) =>
        turns.SelectMany((turn, t) => Turn(turn, t, width)).ToList();

    /// <summary>The lines of <paramref name="turn"/>, the conversation's turn number <paramref name="index"/> (the
    /// spans' <see cref="TranscriptSpan.Turn"/>).</summary>
    public static IReadOnlyList<IReadOnlyList<TranscriptSpan>> Turn(ChatTurn turn, int index, int width)
    {
        width = Math.Max(1, width);
        var lines = new List<IReadOnlyList<TranscriptSpan>>();
        var line = new List<TranscriptSpan>();
        int column = 0;

        void Break()
        {
            lines.Add(line);
            line = [];
            column = 0;
        }

        void Write(string text, SpanKind kind, int token)
        {
            var run = new StringBuilder();
            int start = column;
            void Flush()
            {
                if (run.Length > 0)
                {
                    line.Add(new TranscriptSpan(start, run.ToString(), kind, index, token));
                    run.Clear();
                }
            }
            foreach (var rune in text.EnumerateRunes())
            {
                if (rune.Value == '\n')
                {
                    Flush();
                    Break();
                    start = 0;
                    continue;
                }
                var shown = rune.Value is '\r' or '\t' || Rune.IsControl(rune) ? new Rune(' ') : rune;
                int cells = Math.Max(0, shown.GetColumns());
                if (column + cells > width)
                {
                    Flush();
                    Break();
                    start = 0;
                }
                run.Append(shown.ToString());
                column += cells;
            }
            Flush();
        }

        Write("> " + turn.User, SpanKind.User, -1);
        Break();
        for (int i = 0; i < turn.Reply.Count; i++)
        {
            Write(turn.Reply[i].Text, SpanKind.Token, i);
        }
        if (turn.State is TurnState.Stopped or TurnState.Failed)
        {
            if (column > 0)
            {
                Break();
            }
            Write(turn.State == TurnState.Stopped ? "[stopped]" : $"[{turn.Note}]", SpanKind.Note, -1);
        }
        if (column > 0 || line.Count > 0 || turn.Reply.Count == 0)
        {
            Break(); // the next turn starts on a line of its own
        }
        return lines;
    }
}
