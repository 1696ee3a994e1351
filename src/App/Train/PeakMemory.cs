namespace LlamaJump.App.Train;

/// <summary>The process's peak resident set (VmHWM in /proc/self/status): native (libtorch) and managed memory and
/// the pages of memory-mapped dumps it touched.</summary>
public static class PeakMemory
{
    /// <summary>Bytes, or null where /proc is not available.</summary>
    public static long? Bytes()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path))
            return null;
        foreach (string line in File.ReadLines(path))
        {
            // "VmHWM:	  123456 kB"
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal)
                && long.TryParse(line["VmHWM:".Length..].Trim().Split(' ')[0], out long kib))
                return kib * 1024;
        }
        return null;
    }
}
