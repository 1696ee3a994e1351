using System.Diagnostics;

namespace LlamaJump.Tests.EndToEnd;

/// <summary>The outcome of running a command: exit code and the two streams, in full.</summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs the built <c>./llamajump</c> launcher (or any repo script) as a user would, from the repo root, with
/// no standard input, and waits for it (bounded).</summary>
public static class Cli
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Shared => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    /// <summary>The ./llamajump launcher at the repository root.</summary>
    public static string Launcher => Path.Combine(RepoRoot, "llamajump");

    public static CommandResult Llamajump(params string[] args) => Run(Launcher, args);

    /// <param name="workingDirectory">where the command runs (default: the repo root)</param>
    public static CommandResult Run(string program, IEnumerable<string> args, IDictionary<string, string?>? environment = null, int timeoutSeconds = 300,
        string? workingDirectory = null)
    {
        using var process = Start(program, args, environment, workingDirectory);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in {timeoutSeconds} s");
        }
        return new CommandResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts a command with redirected streams and closed stdin; the caller reads, waits or kills it.</summary>
    public static Process Start(string program, IEnumerable<string> args, IDictionary<string, string?>? environment = null,
        string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory ?? RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }
        var process = Process.Start(info)!;
        process.StandardInput.Close();
        return process;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlamaJump.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no LlamaJump.sln above {AppContext.BaseDirectory}");
    }
}
