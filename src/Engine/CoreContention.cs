using System.Globalization;
using LlamaJump.Interop;

namespace LlamaJump.Engine;

/// <summary>
/// How many cores other processes have kept busy since the last sample: the machine's busy time (<c>/proc/stat</c>,
/// everything but idle and iowait) minus this process's own CPU time (<c>/proc/self/stat</c> utime + stime), over the
/// wall time. Used to give llama.cpp only the cores nobody else is using: two threads on two shared cores wait for each
/// other at every graph node, so on a busy machine one thread on a free core is faster. Not thread-safe; one per
/// generating context. Where /proc cannot be read it reports no contention.
/// </summary>
public sealed class CoreContention
{
    private readonly string _procStat;
    private readonly string _selfStat;
    private readonly int _cpus;
    private (long Busy, long All, long Self)? _last;

    public CoreContention(string procStat = "/proc/stat", string selfStat = "/proc/self/stat")
    {
        _procStat = procStat;
        _selfStat = selfStat;
        _cpus = CpuCount();
        _last = Read();
    }

    /// <summary>Cores other processes kept busy since the previous call (or construction), ≥ 0; null when a file
    /// could not be read or no time has passed.</summary>
    public double? OthersBusyCores()
    {
        var now = Read();
        var last = _last;
        _last = now;
        int cores = _cpus;
        if (now is not { } n || last is not { } l || n.All <= l.All || cores < 1)
        {
            return null;
        }
        double elapsedPerCpu = (double)(n.All - l.All) / cores;
        return Math.Max(0, (n.Busy - l.Busy - (n.Self - l.Self)) / elapsedPerCpu);
    }

    private int CpuCount()
    {
        try
        {
            return File.ReadLines(_procStat).Count(line => line.StartsWith("cpu", StringComparison.Ordinal) && line.Length > 3 && char.IsAsciiDigit(line[3]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>(busy, all) jiffies summed over the machine's CPUs, and this process's utime + stime, in clock ticks.</summary>
    private (long Busy, long All, long Self)? Read()
    {
        try
        {
            string cpu = File.ReadLines(_procStat).First();
            var fields = cpu.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
                .Select(f => long.Parse(f, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
            long all = fields.Sum();
            long idle = fields[3] + fields[4];
            // /proc/self/stat: "pid (comm) state ..." — fields after the closing parenthesis; utime and stime are the
            // 14th and 15th fields of the whole line, the 12th and 13th after it
            string self = File.ReadAllText(_selfStat);
            var rest = self[(self.LastIndexOf(')') + 2)..].Split(' ');
            long ticks = long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture);
            return (all - idle, all, ticks);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
