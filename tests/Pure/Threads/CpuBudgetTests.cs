using AwesomeAssertions;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Tests.Pure.Models;

namespace LlamaJump.Tests.Pure.Threads;

/// <summary>The cores a process may use, from hand-written /proc and cgroup files: affinity lists, v1 and v2 quotas,
/// the tightest quota on the path to the root, and unreadable sources counting as no limit.</summary>
public sealed class CpuBudgetTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("0-1", 2)]
    [InlineData("0", 1)]
    [InlineData("0-3,8,10-11", 7)]
    [InlineData(" 2,4 ", 2)]
    public void Cpu_lists_count_every_core_of_every_range(string list, int cores) =>
        CpuBudget.CountCpuList(list).Should().Be(cores);

    [Theory]
    [InlineData("")]
    [InlineData("3-1")]
    [InlineData("a-b")]
    [InlineData("1-2-3")]
    public void A_cpu_list_that_does_not_parse_is_unknown(string list) => CpuBudget.CountCpuList(list).Should().BeNull();

    [Fact]
    public void Affinity_comes_from_the_status_files_cpus_allowed_list()
    {
        string status = Write("status", "Name:\tllamajump\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\nMems_allowed:\t1\n");
        CpuBudget.ReadAffinity(status).Should().Be(2);
        CpuBudget.ReadAffinity(Path.Combine(_temp.Root, "missing")).Should().BeNull();
    }

    [Fact]
    public void A_v2_quota_is_the_tightest_cpu_max_from_the_cgroup_up_to_the_root()
    {
        string cgroup = Write("proc-cgroup", "0::/jobs/build\n");
        Write("fs/cpu.max", "max 100000\n");
        Write("fs/jobs/cpu.max", "250000 100000\n");
        Write("fs/jobs/build/cpu.max", "max 100000\n");
        CpuBudget.ReadQuota(cgroup, Path.Combine(_temp.Root, "fs")).Should().Be(2.5);
    }

    [Fact]
    public void A_v1_quota_is_cfs_quota_over_period_and_minus_one_means_none()
    {
        string cgroup = Write("proc-cgroup", "4:memory:/x\n2:cpu,cpuacct:/job\n");
        Write("fs/cpu,cpuacct/job/cpu.cfs_quota_us", "150000\n");
        Write("fs/cpu,cpuacct/job/cpu.cfs_period_us", "100000\n");
        Write("fs/cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
        Write("fs/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
        CpuBudget.ReadQuota(cgroup, Path.Combine(_temp.Root, "fs")).Should().Be(1.5);
    }

    [Fact]
    public void No_quota_file_is_no_quota()
    {
        string cgroup = Write("proc-cgroup", "0::/\n");
        CpuBudget.ReadQuota(cgroup, Path.Combine(_temp.Root, "empty")).Should().BeNull();
        CpuBudget.ReadQuota(Path.Combine(_temp.Root, "missing"), _temp.Root).Should().BeNull();
    }

    [Theory]
    [InlineData(8, 2.5, 3)]   // a fractional quota rounds up to whole cores
    [InlineData(2, 4.0, 2)]   // affinity is the tighter
    [InlineData(null, 1.0, 1)] // no affinity known: the fallback (4), capped by the quota
    [InlineData(null, null, 4)]
    [InlineData(4, 0.2, 1)]   // never below one core
    public void The_budget_is_the_smaller_of_affinity_and_rounded_up_quota(int? affinity, double? quota, int cores) =>
        CpuBudget.From(affinity, quota, fallback: 4).Cores.Should().Be(cores);

    [Fact]
    public void This_process_has_at_least_one_core_and_at_most_the_machines()
    {
        var budget = CpuBudget.Current();
        budget.Cores.Should().BeInRange(1, Math.Max(1, Environment.ProcessorCount));
        budget.Describe().Should().StartWith($"{budget.Cores} core");
    }

    private string Write(string relative, string text)
    {
        string path = _temp.File(relative);
        File.WriteAllText(path, text);
        return path;
    }
}
