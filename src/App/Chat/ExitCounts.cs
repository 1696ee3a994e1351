namespace LlamaJump.App.Chat;

/// <summary>How many tokens exited at each block (index n_layer − 1 = full depth), and the mean depth paid: a
/// token that exits at block k runs k + 1 blocks.</summary>
public sealed class ExitCounts(int nLayer)
{
    private readonly int[] _counts = new int[nLayer];

    public int NLayer => _counts.Length;
    public IReadOnlyList<int> Counts => _counts;
    public int Total { get; private set; }

    public void Add(int exitLayer)
    {
        _counts[Math.Clamp(exitLayer, 0, _counts.Length - 1)]++;
        Total++;
    }

    public void Clear()
    {
        Array.Clear(_counts);
        Total = 0;
    }

    /// <summary>Mean blocks computed per token from the exits alone (spec mode pays more: drafts and verification —
    /// the generator's own <c>BlocksPerToken</c> counts those).</summary>
    public double MeanBlocks => Total == 0 ? 0 : _counts.Select((c, k) => (double)c * (k + 1)).Sum() / Total;
}
