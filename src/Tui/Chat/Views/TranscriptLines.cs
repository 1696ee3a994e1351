using LlamaJump.App.Chat;

namespace LlamaJump.Tui.Chat.Views;

/// <summary>
/// The transcript's lines (<see cref="TranscriptLayout"/>) kept from one draw to the next: a turn is laid out again
/// only when it changed — another turn at its place, more reply tokens, a new state — or the width did. A redraw
/// while a reply streams lays out that reply alone, not the whole conversation. UI thread only.
/// </summary>
public sealed class TranscriptLines
{
    private readonly List<Entry> _turns = [];
    private int _width = -1;

    private sealed record Entry(ChatTurn Turn, int Tokens, TurnState State, IReadOnlyList<IReadOnlyList<TranscriptSpan>> Lines);

    /// <summary>The lines of <paramref name="turns"/> at <paramref name="width"/>, equal to
    /// <see cref="TranscriptLayout.Lines"/>.</summary>
    public IReadOnlyList<IReadOnlyList<TranscriptSpan>> For(IReadOnlyList<ChatTurn> turns, int width)
    {
        if (width != _width)
        {
            _turns.Clear();
            _width = width;
        }
        if (_turns.Count > turns.Count)
        {
            _turns.RemoveRange(turns.Count, _turns.Count - turns.Count);
        }
        var lines = new List<IReadOnlyList<TranscriptSpan>>();
        for (int t = 0; t < turns.Count; t++)
        {
            var turn = turns[t];
            if (t == _turns.Count || _turns[t] is not { } kept || !ReferenceEquals(kept.Turn, turn) || kept.Tokens != turn.Reply.Count || kept.State != turn.State)
            {
                var entry = new Entry(turn, turn.Reply.Count, turn.State, TranscriptLayout.Turn(turn, t, width));
                if (t == _turns.Count)
                {
                    _turns.Add(entry);
                }
                else
                {
                    _turns[t] = entry;
                }
            }
            lines.AddRange(_turns[t].Lines);
        }
        return lines;
    }
}
