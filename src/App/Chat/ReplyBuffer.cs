using LlamaJump.Engine.Generation;

namespace LlamaJump.App.Chat;

/// <summary>
/// The tokens of a streaming reply on their way from the worker thread to the UI thread. The worker
/// <see cref="Add"/>s each token with the generator's counters as of that token; the UI thread <see cref="Take"/>s
/// everything added since its last take, in order. Both hold one lock only long enough to append or to swap the list,
/// so the generator never waits for the UI to draw, however far behind the UI is.
/// </summary>
public sealed class ReplyBuffer
{
    private readonly Lock _lock = new();
    private List<GeneratedToken> _tokens = [];
    private GenerationStats? _stats;

    /// <summary>Worker thread: one more token of the reply.</summary>
    public void Add(GeneratedToken token, GenerationStats stats)
    {
        lock (_lock)
        {
            _tokens.Add(token);
            _stats = stats;
        }
    }

    /// <summary>UI thread: the tokens added since the last take (empty when none) and the counters that came with the
    /// last of them (null when none came).</summary>
    public (IReadOnlyList<GeneratedToken> Tokens, GenerationStats? Stats) Take()
    {
        lock (_lock)
        {
            if (_tokens.Count == 0)
            {
                return ([], null);
            }
            var taken = (_tokens, _stats);
            _tokens = [];
            _stats = null;
            return taken;
        }
    }
}
