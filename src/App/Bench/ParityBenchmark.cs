using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LlamaJump.App;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Models;

namespace LlamaJump.App.Bench;

/// <summary>The options of <c>bench parity</c>: the model, threads (null: the cores this process may use), context,
/// batch, prompt tokens, decoded tokens, alternating repeats, and the seconds one measuring process may take.</summary>
public sealed record ParityBenchOptions(string Model, int? Threads, int Context, int Batch, int PromptTokens, int DecodeTokens, int Repeats, int TimeoutSeconds);

/// <summary>One backend's tokens/s in one repeat.</summary>
public sealed record ParitySample(double PromptTokensPerSecond, double DecodeTokensPerSecond);

/// <summary>Every repeat of both backends and the ratios: the median over repeats of patched ÷ stock, each repeat's
/// pair measured back to back.</summary>
public sealed record ParityResult(string Model, int Threads, ParityBenchOptions Options, IReadOnlyList<ParitySample> Stock, IReadOnlyList<ParitySample> Patched)
{
    public double PromptRatio => ExitBenchmark.Median(Stock.Zip(Patched, (s, p) => p.PromptTokensPerSecond / s.PromptTokensPerSecond));

    public double DecodeRatio => ExitBenchmark.Median(Stock.Zip(Patched, (s, p) => p.DecodeTokensPerSecond / s.DecodeTokensPerSecond));
}

/// <summary>
/// <c>llamajump bench parity</c>: what the patches cost at full depth. Each measurement is a process of
/// tools/StockReference's <c>speed</c> (the same LLamaSharp calls on both sides, <c>SpeedRun</c>): once on the stock
/// LLamaSharp.Backend.Cpu 0.30.0 binaries it ships with, once on our patched libllama.so, same model, threads, context
/// and batch, in alternating order over the repeats so drift on a shared machine hits both alike. Nothing of the
/// patches' features is switched on (no capture, no exit policy): the figure is the cost of their hooks when idle.
/// </summary>
public sealed class ParityBenchmark(ParityBenchOptions options) : IJob<ParityResult>
{
    /// <summary>Overrides where the stock reference tool is (its executable).</summary>
    public const string ToolEnvironmentVariable = "LLAMAJUMP_STOCK_REFERENCE";

    public ParityResult Execute(JobContext context, CancellationToken cancel)
    {
        string model = context.Models.Resolve(options.Model);
        string tool = LocateTool();
        NativeBackend.Initialize();
        string patched = NativeBackend.LibraryPath;
        int threads = options.Threads ?? CpuBudget.Current().Cores;
        context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench parity: {Path.GetFileName(model)}, {threads} threads, context {options.Context}, batch {options.Batch}, {options.PromptTokens} prompt + {options.DecodeTokens} decoded tokens, {options.Repeats} alternating repeats"));
        var stock = new List<ParitySample>();
        var ours = new List<ParitySample>();
        var progress = new ProgressReporter(context.Log, "bench parity", 2L * options.Repeats, "runs");
        for (int repeat = 0; repeat < options.Repeats; repeat++)
        {
            foreach (bool isStock in repeat % 2 == 0 ? new[] { true, false } : [false, true])
            {
                cancel.ThrowIfCancellationRequested();
                var sample = Run(tool, model, threads, isStock ? null : patched);
                (isStock ? stock : ours).Add(sample);
                progress.Advance(1);
            }
        }
        progress.Finish();
        return new ParityResult(model, threads, options, stock, ours);
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

    private ParitySample Run(string tool, string model, int threads, string? library)
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
            throw new InvalidOperationException($"the {(library is null ? "stock" : "patched")} speed run failed (exit code {process.ExitCode}): {last}");
        }
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        return new ParitySample(
            root.GetProperty("prompt_tokens").GetInt32() / root.GetProperty("prompt_seconds").GetDouble(),
            root.GetProperty("decode_tokens").GetInt32() / root.GetProperty("decode_seconds").GetDouble());
    }
}
