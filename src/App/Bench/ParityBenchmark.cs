using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LlamaJump.App;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Models;

namespace LlamaJump.App.Bench;

/// <summary>The options of <c>bench parity</c>: the model, threads (null: the cores this process may use), context,
/// batch, prompt tokens, decoded tokens, alternating repeats, the seconds one measuring process may take, and
/// optionally the baseline build of our llama.cpp release (only the ABI patch, none of the hooks: ./build.sh baseline) (a libllama.so, or a directory holding one; null: none) as
/// a third side.</summary>
public sealed record ParityBenchOptions(string Model, int? Threads, int Context, int Batch, int PromptTokens, int DecodeTokens, int Repeats, int TimeoutSeconds,
    string? Baseline = null);

/// <summary>One backend's tokens/s in one repeat.</summary>
public sealed record ParitySample(double PromptTokensPerSecond, double DecodeTokensPerSecond);

/// <summary>Every repeat of each backend and the ratios, each the median over repeats of one side ÷ another, the
/// sides of a repeat measured back to back: patched ÷ stock, and with the baseline build (<see cref="Baseline"/>,
/// null without it) patched ÷ baseline (what the hook patches cost) and baseline ÷ stock (what changed upstream between
/// the two releases).</summary>
public sealed record ParityResult(string Model, int Threads, ParityBenchOptions Options, IReadOnlyList<ParitySample> Stock, IReadOnlyList<ParitySample> Patched,
    IReadOnlyList<ParitySample>? Baseline = null)
{
    public double PromptRatio => Ratio(Patched, Stock, s => s.PromptTokensPerSecond);

    public double DecodeRatio => Ratio(Patched, Stock, s => s.DecodeTokensPerSecond);

    /// <summary>(prompt, decode) of patched ÷ baseline; null without the baseline side.</summary>
    public (double Prompt, double Decode)? PatchRatio =>
        Baseline is null ? null : (Ratio(Patched, Baseline, s => s.PromptTokensPerSecond), Ratio(Patched, Baseline, s => s.DecodeTokensPerSecond));

    /// <summary>(prompt, decode) of baseline ÷ stock; null without the baseline side.</summary>
    public (double Prompt, double Decode)? UpstreamRatio =>
        Baseline is null ? null : (Ratio(Baseline, Stock, s => s.PromptTokensPerSecond), Ratio(Baseline, Stock, s => s.DecodeTokensPerSecond));

    private static double Ratio(IReadOnlyList<ParitySample> over, IReadOnlyList<ParitySample> under, Func<ParitySample, double> speed) =>
        ExitBenchmark.Median(over.Zip(under, (a, b) => speed(a) / speed(b)));
}

/// <summary>
/// <c>llamajump bench parity</c>: what the patches cost at full depth. Each measurement is a process of
/// tools/StockReference's <c>speed</c> (the same LLamaSharp calls on every side, <c>SpeedRun</c>): once on the stock
/// LLamaSharp.Backend.Cpu 0.30.0 binaries it ships with, once on our patched libllama.so, and — with
/// <see cref="ParityBenchOptions.Baseline"/> — once on the same llama.cpp release with only the ABI patch LLamaSharp needs, without the hooks
/// (<c>./build.sh baseline</c>); same model, threads, context and batch. The order of the sides rotates from repeat to
/// repeat so drift on a shared machine hits all alike. Nothing of the patches' features is switched on (no capture,
/// no exit policy): the figure is the cost of their hooks when idle.
/// </summary>
public sealed class ParityBenchmark(ParityBenchOptions options) : IJob<ParityResult>
{
    /// <summary>Overrides where the stock reference tool is (its executable).</summary>
    public const string ToolEnvironmentVariable = "LLAMAJUMP_STOCK_REFERENCE";

    private enum Side { Stock, Patched, Baseline }

    public ParityResult Execute(JobContext context, CancellationToken cancel)
    {
        string model = context.Models.Resolve(options.Model);
        string tool = LocateTool();
        NativeBackend.Initialize();
        string patched = NativeBackend.LibraryPath;
        string? baseline = options.Baseline is null ? null : LocateBaseline(options.Baseline, patched);
        int threads = options.Threads ?? CpuBudget.Current().Cores;
        Side[] sides = baseline is null ? [Side.Stock, Side.Patched] : [Side.Stock, Side.Patched, Side.Baseline];
        string baselineNote = baseline is null ? "" : $"; baseline {baseline}";
        context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench parity: {Path.GetFileName(model)}, {threads} threads, context {options.Context}, batch {options.Batch}, {options.PromptTokens} prompt + {options.DecodeTokens} decoded tokens, {options.Repeats} alternating repeats{baselineNote}"));
        var samples = sides.ToDictionary(side => side, _ => new List<ParitySample>());
        var progress = new ProgressReporter(context.Log, "bench parity", (long)sides.Length * options.Repeats, "runs");
        for (int repeat = 0; repeat < options.Repeats; repeat++)
        {
            for (int i = 0; i < sides.Length; i++)
            {
                cancel.ThrowIfCancellationRequested();
                // repeat r starts at side r (mod the sides): with two sides, stock first in even repeats
                Side side = sides[(i + repeat) % sides.Length];
                string? library = side switch { Side.Patched => patched, Side.Baseline => baseline, _ => null };
                samples[side].Add(Run(tool, model, threads, library, side));
                progress.Advance(1);
            }
        }
        progress.Finish();
        return new ParityResult(model, threads, options, samples[Side.Stock], samples[Side.Patched],
            baseline is null ? null : samples[Side.Baseline]);
    }

    /// <summary>The baseline libllama.so named by --baseline (the file, or a directory holding it); it must not be
    /// our patched build: not the library loaded here, nor a directory whose build.key is this build's.</summary>
    private static string LocateBaseline(string given, string patched)
    {
        string path = Directory.Exists(given) ? Path.Combine(given, "libllama.so") : given;
        if (!File.Exists(path))
            throw new UserInputException($"--baseline {given}: no libllama.so there (./build.sh baseline builds one in build/native/baseline-lib)");
        path = Path.GetFullPath(path);
        string key = Path.Combine(Path.GetDirectoryName(path)!, "build.key");
        if (string.Equals(path, Path.GetFullPath(patched), StringComparison.Ordinal)
            || (File.Exists(key) && NativeBackend.BuildKey is { } ours && File.ReadAllText(key).Trim() == ours))
            throw new UserInputException($"--baseline {given} is the patched build itself; give the baseline one (./build.sh baseline)");
        return path;
    }

    /// <summary>The tool's executable: $LLAMAJUMP_STOCK_REFERENCE, else its build output in this checkout.</summary>
    private static string LocateTool()
    {
        if (Environment.GetEnvironmentVariable(ToolEnvironmentVariable) is { Length: > 0 } given)
            return File.Exists(given) ? Path.GetFullPath(given) : throw new UserInputException($"${ToolEnvironmentVariable} {given}: no such file");
        string home = ModelResolver.LocateHome();
        foreach (string configuration in new[] { "Release", "Debug" })
        {
            string path = Path.Combine(home, "tools", "StockReference", "bin", configuration, "net10.0", "LlamaJump.StockReference");
            if (File.Exists(path))
                return path;
        }
        throw new UserInputException($"tools/StockReference is not built in {home}; run ./build.sh (it builds the whole solution)");
    }

    private ParitySample Run(string tool, string model, int threads, string? library, Side side)
    {
        var info = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("speed");
        info.ArgumentList.Add(model);
        foreach (int value in new[] { threads, options.Context, options.Batch, options.PromptTokens, options.DecodeTokens })
            info.ArgumentList.Add(value.ToString(CultureInfo.InvariantCulture));
        if (library is not null)
            info.ArgumentList.Add(library);
        info.Environment.Remove(NativeBackend.NativeDirEnvironmentVariable);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {tool}");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(options.TimeoutSeconds)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"a speed run took more than {options.TimeoutSeconds} s (raise --timeout)");
        }
        if (process.ExitCode != 0)
        {
            string last = stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
            throw new InvalidOperationException($"the {side.ToString().ToLowerInvariant()} speed run failed (exit code {process.ExitCode}): {last}");
        }
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        return new ParitySample(
            root.GetProperty("prompt_tokens").GetInt32() / root.GetProperty("prompt_seconds").GetDouble(),
            root.GetProperty("decode_tokens").GetInt32() / root.GetProperty("decode_seconds").GetDouble());
    }
}
