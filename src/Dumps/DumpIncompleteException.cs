namespace LlamaJump.Dumps;

/// <summary>A dump directory holds a dump still in progress (or interrupted): "<c>out/ is an incomplete dump (1234
/// of 12000 samples); rerun the same dump command to resume</c>".</summary>
public sealed class DumpIncompleteException(string directory, int completed, int total)
    : DumpException($"{directory} is an incomplete dump ({completed} of {total} samples); rerun the same dump command to resume")
{
    public int Completed { get; } = completed;
    public int Total { get; } = total;
}
