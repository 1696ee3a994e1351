namespace LlamaJump.Dumps.Sampling;

/// <summary>The corpus has fewer usable sentences than the train and test samples asked for (and
/// <c>--allow-fewer</c> was not given), or none at all.</summary>
public sealed class CorpusTooSmallException(string message, int available, int requested) : DumpException(message)
{
    public int Available { get; } = available;
    public int Requested { get; } = requested;
}
