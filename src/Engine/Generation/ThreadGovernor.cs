using System.Diagnostics;
using LLama;
using LlamaJump.Interop;

namespace LlamaJump.Engine.Generation;

/// <summary>
/// Keeps a generating context's llama.cpp threads to the cores nobody else is using: at most every
/// <see cref="Interval"/>, between two decodes, it sets both thread counts to the plan's minus the cores other
/// processes kept busy meanwhile (<see cref="CoreContention"/>, rounded), never below one. It leaves an explicit
/// <c>--threads</c> and a one-thread plan alone. Beside a one-core busy loop a 2-core plan so decodes on one thread
/// (on the free core) instead of two that wait for each other; two generating processes settle at one thread each.
/// </summary>
internal sealed class ThreadGovernor
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly LLamaContext _context;
    private readonly ThreadPlan _plan;
    private readonly CoreContention? _contention;
    private readonly Stopwatch _sinceSample = Stopwatch.StartNew();
    private int _current;

    public ThreadGovernor(LLamaContext context, ThreadPlan plan)
    {
        _context = context;
        _plan = plan;
        _current = (int)context.GenerationThreads;
        _contention = plan.Adaptive && plan.Decode > 1 ? new CoreContention() : null;
    }

    /// <summary>The decode threads now set on the context.</summary>
    public int Current => _current;

    /// <summary>Call before a decode; cheap except once per <see cref="Interval"/>.</summary>
    public void BeforeDecode()
    {
        if (_contention is null || _sinceSample.Elapsed < Interval)
        {
            return;
        }
        _sinceSample.Restart();
        if (_contention.OthersBusyCores() is not { } others)
        {
            return;
        }
        int threads = Math.Clamp(_plan.Decode - (int)Math.Round(others), 1, _plan.Decode);
        if (threads != _current)
        {
            _context.GenerationThreads = threads;
            _context.BatchThreads = Math.Min(threads, _plan.Batch);
            _current = threads;
        }
    }
}
