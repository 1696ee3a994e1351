using System.Globalization;
using LlamaJump.Interop.Native;

namespace LlamaJump.Interop;

/// <summary>
/// How long llama.cpp's CPU worker threads spin before they sleep. ggml's CPU backend is built with OpenMP here, and
/// its barriers (one per graph node) and idle workers wait in libgomp, which spins up to <c>GOMP_SPINCOUNT</c> times
/// (default 300 000, milliseconds of a core) before it blocks on a futex. On cores shared with other work that spin
/// burns the time slice a descheduled partner thread needs, and throughput collapses (measured: 3× beside a one-core
/// busy loop, 80× for two processes at once). <see cref="Apply"/> sets a short spin — long enough to cover a barrier
/// on an idle machine, short enough that a waiting thread yields its core — in the C library's environment, where
/// libgomp reads it when it loads. A user's own <c>OMP_WAIT_POLICY</c> or <c>GOMP_SPINCOUNT</c> always wins.
/// </summary>
public static class OpenMpWaiting
{
    public const string SpinCountVariable = "GOMP_SPINCOUNT";
    public const string WaitPolicyVariable = "OMP_WAIT_POLICY";

    /// <summary>Spins before sleeping; chosen by <c>llamajump bench load</c> (README, "Threads and shared cores").</summary>
    public const int DefaultSpinCount = 10_000;

    /// <summary>What <see cref="Apply"/> found or set, for <c>doctor</c>: "GOMP_SPINCOUNT=10000 (set by llamajump)".</summary>
    public static string Describe()
    {
        if (Environment.GetEnvironmentVariable(WaitPolicyVariable) is { Length: > 0 } policy)
        {
            return $"{WaitPolicyVariable}={policy} (yours)";
        }
        if (Environment.GetEnvironmentVariable(SpinCountVariable) is { Length: > 0 } spins)
        {
            return $"{SpinCountVariable}={spins}{(_applied ? " (set by llamajump)" : " (yours)")}";
        }
        return "libgomp's default spin";
    }

    // process-wide because libgomp reads its environment once, when it loads
    private static bool _applied;

    /// <summary>Sets <c>GOMP_SPINCOUNT</c> to <see cref="DefaultSpinCount"/> unless the user set it or
    /// <c>OMP_WAIT_POLICY</c>. Takes effect only if it runs before libgomp loads (before the native backend).
    /// Idempotent.</summary>
    internal static void Apply()
    {
        if (_applied || Environment.GetEnvironmentVariable(WaitPolicyVariable) is { Length: > 0 }
            || Environment.GetEnvironmentVariable(SpinCountVariable) is { Length: > 0 })
        {
            return;
        }
        string value = DefaultSpinCount.ToString(CultureInfo.InvariantCulture);
        if (LibcNative.setenv(SpinCountVariable, value, overwrite: 0) == 0)
        {
            // keep the managed copy in step, so child processes and Describe see it too
            Environment.SetEnvironmentVariable(SpinCountVariable, value);
            _applied = true;
        }
    }
}
