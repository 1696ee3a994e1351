using System.Globalization;
using LlamaJump.Interop;

namespace LlamaJump.Engine;

/// <summary>
/// The CPUs this process may really use: the cores of its affinity mask (<c>Cpus_allowed_list</c> in
/// <c>/proc/self/status</c>, what <c>taskset</c> and container cpusets set) capped by its cgroup's CPU quota
/// (cgroup v2 <c>cpu.max</c>, v1 <c>cpu.cfs_quota_us</c> / <c>cpu.cfs_period_us</c>), rounded up to whole cores — not the
/// machine's core count. Anything unreadable counts as "no limit" from that source.
/// </summary>
public sealed record CpuBudget(int Cores, int? AffinityCores, double? QuotaCores)
{
    /// <summary>The budget of this process now (read on every call; affinity can change at run time).</summary>
    public static CpuBudget Current()
    {
        int? affinity = ReadAffinity("/proc/self/status");
        double? quota = ReadQuota("/proc/self/cgroup", "/sys/fs/cgroup");
        return From(affinity, quota, System.Environment.ProcessorCount);
    }

    /// <summary>min(affinity, ⌈quota⌉), each source only where known; <paramref name="fallback"/> when neither is.</summary>
    public static CpuBudget From(int? affinityCores, double? quotaCores, int fallback)
    {
        int cores = affinityCores ?? fallback;
        if (quotaCores is { } q)
        {
            cores = Math.Min(cores, Math.Max(1, (int)Math.Ceiling(q - 1e-9)));
        }
        return new CpuBudget(Math.Max(1, cores), affinityCores, quotaCores);
    }

    /// <summary>One line: "2 cores (affinity 0-1: 2, no cgroup quota)".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Cores} core{(Cores == 1 ? "" : "s")} (affinity {(AffinityCores is { } a ? a.ToString(CultureInfo.InvariantCulture) : "unknown")}, " +
        $"{(QuotaCores is { } q ? $"cgroup quota {q:0.##} cores" : "no cgroup quota")})");

    /// <summary>Cores in the <c>Cpus_allowed_list:</c> line of a /proc status file, or null.</summary>
    internal static int? ReadAffinity(string statusPath)
    {
        try
        {
            foreach (var line in File.ReadLines(statusPath))
            {
                if (line.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))
                {
                    return CountCpuList(line["Cpus_allowed_list:".Length..]);
                }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>Cores in a kernel CPU list such as "0-3,8,10-11" (12 → 7), or null when it does not parse.</summary>
    internal static int? CountCpuList(string list)
    {
        int count = 0;
        foreach (var part in list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bounds = part.Split('-');
            if (!int.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out int low))
            {
                return null;
            }
            int high = low;
            if (bounds.Length == 2 && !int.TryParse(bounds[1], NumberStyles.None, CultureInfo.InvariantCulture, out high) || bounds.Length > 2 || high < low)
            {
                return null;
            }
            count += high - low + 1;
        }
        return count > 0 ? count : null;
    }

    /// <summary>The tightest CPU quota (in cores) on the way from this process's cgroup up to the root, or null when
    /// none is set. <paramref name="cgroupFile"/> is /proc/self/cgroup, <paramref name="root"/> the cgroup mount.</summary>
    internal static double? ReadQuota(string cgroupFile, string root)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(cgroupFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        double? tightest = null;
        foreach (var line in lines)
        {
            // "0::/path" (v2) or "N:cpu,cpuacct:/path" (v1)
            var fields = line.Split(':', 3);
            if (fields.Length != 3)
            {
                continue;
            }
            bool v2 = fields[1].Length == 0;
            bool v1Cpu = fields[1].Split(',').Contains("cpu");
            if (!v2 && !v1Cpu)
            {
                continue;
            }
            string mount = v2 ? MountV2(root) : Path.Combine(root, Directory.Exists(Path.Combine(root, fields[1])) ? fields[1] : "cpu");
            for (string? dir = fields[2]; dir is not null; dir = Parent(dir))
            {
                string path = Path.Combine(mount, dir.TrimStart('/'));
                double? quota = v2 ? QuotaV2(path) : QuotaV1(path);
                if (quota is { } q && (tightest is null || q < tightest))
                {
                    tightest = q;
                }
            }
        }
        return tightest;
    }

    /// <summary>The unified hierarchy: the mount itself, or its "unified" folder on a hybrid v1/v2 system.</summary>
    private static string MountV2(string root) =>
        File.Exists(Path.Combine(root, "cgroup.controllers")) || !Directory.Exists(Path.Combine(root, "unified")) ? root : Path.Combine(root, "unified");

    private static string? Parent(string dir) => dir is "/" or "" ? null : (Path.GetDirectoryName(dir) ?? "/");

    /// <summary>cgroup v2 cpu.max: "max 100000" (none) or "150000 100000" (1.5 cores).</summary>
    internal static double? QuotaV2(string dir)
    {
        var text = ReadText(Path.Combine(dir, "cpu.max"));
        var parts = text?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts is not { Length: 2 } || parts[0] == "max")
        {
            return null;
        }
        return Ratio(parts[0], parts[1]);
    }

    /// <summary>cgroup v1: cpu.cfs_quota_us (-1 = none) over cpu.cfs_period_us.</summary>
    internal static double? QuotaV1(string dir) =>
        ReadText(Path.Combine(dir, "cpu.cfs_quota_us")) is { } quota && ReadText(Path.Combine(dir, "cpu.cfs_period_us")) is { } period
            ? Ratio(quota, period)
            : null;

    private static double? Ratio(string quota, string period) =>
        long.TryParse(quota, NumberStyles.None, CultureInfo.InvariantCulture, out long q)
        && long.TryParse(period, NumberStyles.None, CultureInfo.InvariantCulture, out long p) && q > 0 && p > 0
            ? (double)q / p
            : null;

    private static string? ReadText(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
