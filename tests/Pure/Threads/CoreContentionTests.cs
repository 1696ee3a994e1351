using AwesomeAssertions;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Tests.Pure.Models;

namespace LlamaJump.Tests.Pure.Threads;

/// <summary>Cores other processes kept busy, from two hand-written samples of /proc/stat and /proc/self/stat.</summary>
public sealed class CoreContentionTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _stat;
    private readonly string _self;

    public CoreContentionTests()
    {
        _stat = _temp.File("stat");
        _self = _temp.File("self-stat");
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Others_are_the_machines_busy_time_less_this_processs_over_the_wall_time()
    {
        // 2 CPUs; user nice system idle iowait irq softirq steal
        Sample(user: 1000, idle: 1000, self: 500);
        var contention = new CoreContention(_stat, _self);
        // 100 ticks per CPU pass (200 in all): 150 busy, of which 50 are ours → 100 ticks of others = 1 core
        Sample(user: 1150, idle: 1050, self: 550);
        contention.OthersBusyCores().Should().BeApproximately(1.0, 1e-9);
        // next 100 ticks per CPU: only we were busy (one core)
        Sample(user: 1250, idle: 1150, self: 650);
        contention.OthersBusyCores().Should().BeApproximately(0.0, 1e-9);
    }

    [Fact]
    public void Unreadable_files_or_no_elapsed_time_report_nothing()
    {
        Sample(user: 10, idle: 10, self: 1);
        var contention = new CoreContention(_stat, _self);
        contention.OthersBusyCores().Should().BeNull("no time has passed");
        new CoreContention(Path.Combine(_temp.Root, "missing"), _self).OthersBusyCores().Should().BeNull();
    }

    /// <summary>/proc/stat with two CPUs and the given totals; /proc/self/stat whose utime + stime is <paramref name="self"/>
    /// (the command name holds a space and a parenthesis, as a real one may).</summary>
    private void Sample(long user, long idle, long self)
    {
        File.WriteAllText(_stat, $"cpu  {user} 0 0 {idle} 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0 0 0\nintr 1\n");
        File.WriteAllText(_self, $"4242 (llama (jump)) R 1 2 3 4 5 6 7 8 9 10 {self - 1} 1 0 0 20 0 9 0 100 200 300\n");
    }
}
