namespace LlamaJump.Engine.Generation;

/// <summary>
/// Gated spec's back-off: after a cycle that got no draft accepted, the next 1, 2, 4, … cycles are plain full steps;
/// an accepted draft resets it. Kept per draft block and threshold (<see cref="For"/>).
/// <para>The longest back-off adapts to what a failed cycle costs on this model: at least <see cref="Floor"/> steps,
/// and more where a failed cycle's wall time beyond the full steps it emitted — the draft check, and on a small model
/// mostly the graph rebuilds of the policy changes — would otherwise exceed <see cref="ProbeShare"/> of the time of
/// the full steps between two cycles, up to <see cref="Ceiling"/>. Both costs are running means of the measured wall
/// times, so where timing is noisy only how often the jump is retried changes, never what is emitted.</para>
/// </summary>
internal sealed class SpecBackoff
{
    /// <summary>The longest back-off wherever a failed cycle is cheap (a large model).</summary>
    public const int Floor = 64;

    /// <summary>The longest back-off however costly a failed cycle is.</summary>
    public const int Ceiling = 1024;

    /// <summary>The share of the full steps' time that failed cycles may cost once backed off as far as allowed.</summary>
    public const double ProbeShare = 0.02;

    private const double Smoothing = 0.1;

    private (int Block, float Threshold) _key = (-1, 0);
    private int _length;
    private double _stepSeconds;
    private double _failedCycleExtraSeconds;
    private double? _failedCycleExtra; // the last failed cycle's extra time, until the step after it is measured

    /// <summary>Full steps still to take before the next cycle.</summary>
    public int Skip { get; private set; }

    /// <summary>The longest back-off now: <see cref="Floor"/> until both costs are measured.</summary>
    public int Maximum => _stepSeconds <= 0 || _failedCycleExtraSeconds <= 0
        ? Floor
        : (int)Math.Clamp(Math.Ceiling(_failedCycleExtraSeconds / (ProbeShare * _stepSeconds)), Floor, Ceiling);

    /// <summary>This back-off for drafts through <paramref name="block"/> at <paramref name="threshold"/>; another
    /// block or threshold starts afresh (its cost measurements too).</summary>
    public SpecBackoff For(int block, float threshold)
    {
        if (_key != (block, threshold))
        {
            (_key, _length, Skip, _stepSeconds, _failedCycleExtraSeconds, _failedCycleExtra) = ((block, threshold), 0, 0, 0, 0, null);
        }
        return this;
    }

    /// <summary>A cycle ran for <paramref name="seconds"/> and emitted <paramref name="emitted"/> tokens.</summary>
    public void CycleDone(bool accepted, double seconds, int emitted)
    {
        FlushFailedCycle();
        if (!accepted && _stepSeconds > 0)
        {
            _failedCycleExtra = Math.Max(0, seconds - emitted * _stepSeconds);
        }
        _length = accepted ? 0 : Math.Clamp(_length * 2, 1, Maximum);
        Skip = _length;
    }

    /// <summary>A plain full step of the back-off ran for <paramref name="seconds"/>. The first after a failed cycle
    /// also rebuilds the graph for the policy change back: its excess counts to that cycle.</summary>
    public void FullStepDone(double seconds)
    {
        if (_failedCycleExtra is { } extra)
        {
            _failedCycleExtra = extra + Math.Max(0, seconds - _stepSeconds);
            FlushFailedCycle();
        }
        else
        {
            _stepSeconds = Mean(_stepSeconds, seconds);
        }
        Skip = Math.Max(0, Skip - 1);
    }

    private void FlushFailedCycle()
    {
        if (_failedCycleExtra is { } extra)
        {
            _failedCycleExtraSeconds = Mean(_failedCycleExtraSeconds, extra);
            _failedCycleExtra = null;
        }
    }

    private static double Mean(double mean, double sample) => mean <= 0 ? sample : mean + Smoothing * (sample - mean);
}
