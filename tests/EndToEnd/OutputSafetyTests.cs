using AwesomeAssertions;

namespace LlamaJump.Tests.EndToEnd;

/// <summary>A dump of stories260K shared by the output-safety tests.</summary>
public sealed class StoriesDump : IDisposable
{
    public StoriesDump()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("llamajump-safety-e2e-").FullName;
        Path = System.IO.Path.Combine(Directory, "dump");
        var dumped = Cli.Run(Cli.Launcher, ["dump", "--corpus", System.IO.Path.Combine(Cli.Shared, "data", "wikitext-2", "wiki.test.raw"),
            "--train", "2000", "--test", "300", "--out", Path, "--seed", "11"], Cache(Directory));
        if (dumped.ExitCode != 0)
            throw new InvalidOperationException(dumped.Stderr);
    }

    public string Directory { get; }
    public string Path { get; }

    public static Dictionary<string, string?> Cache(string directory) =>
        new() { ["LLAMAJUMP_CACHE"] = System.IO.Path.Combine(directory, "cache") };

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>
/// train and eval never present an output as complete that is not: killed with SIGKILL they leave no jump file and
/// no results.json (the marker of a complete evaluation) and a rerun completes; two processes writing the same output
/// do not interleave (the second is refused by the lock); a full disk is exit code 74 with no file under the final
/// name.
/// </summary>
public sealed class OutputSafetyTests(StoriesDump dump) : IClassFixture<StoriesDump>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llamajump-safety-").FullName;

    public void Dispose()
    {
        foreach (string mount in Directory.GetDirectories(_dir, "tmpfs-*"))
            Cli.Run("/bin/umount", [mount]);
        Directory.Delete(_dir, recursive: true);
    }

    private Dictionary<string, string?> Env => StoriesDump.Cache(_dir);

    // long enough to be caught mid-run: many epochs, no early stop
    private string[] SlowTrain(string output) => ["train", "--dump", dump.Path, "--out", output, "--epochs", "400", "--patience", "400", "--seed", "2"];

    private static void WaitFor(Func<bool> condition, System.Diagnostics.Process process, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!condition() && !process.HasExited && DateTime.UtcNow < deadline)
            Thread.Sleep(10);
        process.HasExited.Should().BeFalse($"the process must still be running {what}");
    }

    [Fact]
    public void Train_killed_mid_run_leaves_no_jump_file_and_a_rerun_completes()
    {
        string output = Path.Combine(_dir, "jumps.gguf");
        using (var process = Cli.Start(Cli.Launcher, SlowTrain(output), Env))
        {
            WaitFor(() => File.Exists(output + ".lock") && process.StandardError.Peek() >= 0, process, "when it is killed");
            Thread.Sleep(1500); // inside the epochs
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        File.Exists(output).Should().BeFalse("a killed train never leaves a jump file under its name");

        var rerun = Cli.Run(Cli.Launcher, ["train", "--dump", dump.Path, "--out", output, "--epochs", "5"], Env);
        rerun.ExitCode.Should().Be(0, rerun.Stderr);
        var used = Cli.Run(Cli.Launcher, ["generate", "--mode", "exit", "--jumps", output, "--prompt", "Once", "--max-tokens", "4"], Env);
        used.ExitCode.Should().Be(0, used.Stderr);
    }

    [Fact]
    public void A_second_train_into_the_same_output_is_refused_while_the_first_runs()
    {
        string output = Path.Combine(_dir, "shared.gguf");
        using var first = Cli.Start(Cli.Launcher, SlowTrain(output), Env);
        WaitFor(() => File.Exists(output + ".lock"), first, "when the second starts");

        var second = Cli.Run(Cli.Launcher, ["train", "--dump", dump.Path, "--out", output, "--epochs", "1"], Env);

        second.ExitCode.Should().Be(2, second.Stderr);
        second.Stderr.Should().Contain("is being written by another llamajump process");
        first.Kill(entireProcessTree: true);
        first.WaitForExit();
    }

    [Fact]
    public void Eval_killed_at_any_point_never_leaves_results_json_beside_a_partial_report()
    {
        string jumps = Path.Combine(_dir, "jumps.gguf");
        Cli.Run(Cli.Launcher, ["train", "--dump", dump.Path, "--out", jumps, "--epochs", "3"], Env).ExitCode.Should().Be(0);
        string results = Path.Combine(_dir, "results");
        foreach (int delay in new[] { 300, 900, 1500, 2500 })
        {
            using (var process = Cli.Start(Cli.Launcher, ["eval", "--dump", dump.Path, "--jumps", jumps, "--out", results], Env))
            {
                Thread.Sleep(delay);
                if (!process.HasExited)
                    process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
            if (File.Exists(Path.Combine(results, "results.json")))
            {
                File.Exists(Path.Combine(results, "report.md")).Should().BeTrue($"results.json marks a complete evaluation (killed after {delay} ms)");
                File.Exists(Path.Combine(results, "results.csv")).Should().BeTrue();
            }
        }
        File.Delete(Path.Combine(results, "results.json")); // whatever finished: the rerun below must not be skipped
        string progress = Path.Combine(results, "eval-progress");
        int kept = Directory.Exists(progress) ? Directory.GetFiles(progress, "level-*.bin").Length : 0;
        var rerun = Cli.Run(Cli.Launcher, ["eval", "--dump", dump.Path, "--jumps", jumps, "--out", results], Env);
        rerun.ExitCode.Should().Be(0, rerun.Stderr);
        File.Exists(Path.Combine(results, "results.json")).Should().BeTrue();
        Directory.Exists(progress).Should().BeFalse("the kept levels are removed once the results are written");
        if (kept > 0)
            rerun.Stderr.Should().Contain($"eval: resuming: {kept} of 5 levels finished by an earlier run");

        string clean = Path.Combine(_dir, "clean");
        Cli.Run(Cli.Launcher, ["eval", "--dump", dump.Path, "--jumps", jumps, "--out", clean], Env).ExitCode.Should().Be(0);
        string Scores(string directory)
        {
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "results.json")));
            return json.RootElement.GetProperty("methods").GetRawText() + json.RootElement.GetProperty("exit_curve").GetRawText();
        }
        Scores(results).Should().Be(Scores(clean), $"an eval resumed from {kept} kept levels scores exactly as one that ran through");
    }

    [Fact]
    public void Eval_stopped_by_ctrl_c_keeps_its_finished_levels_and_the_rerun_resumes()
    {
        string jumps = Path.Combine(_dir, "jumps-c.gguf");
        Cli.Run(Cli.Launcher, ["train", "--dump", dump.Path, "--out", jumps, "--epochs", "3"], Env).ExitCode.Should().Be(0);
        string results = Path.Combine(_dir, "results-c");
        // one row per head call: slow enough to be stopped inside the first levels
        string[] eval = ["eval", "--dump", dump.Path, "--jumps", jumps, "--out", results, "--batch", "1", "--threads", "1"];
        using (var process = Cli.Start(Cli.Launcher, eval, Env))
        {
            string progress = Path.Combine(results, "eval-progress");
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (!(Directory.Exists(progress) && Directory.GetFiles(progress, "level-*.bin").Length > 0) && !process.HasExited && DateTime.UtcNow < deadline)
                Thread.Sleep(5);
            Cli.Run("/bin/kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).ExitCode.Should().Be(0);
            process.WaitForExit();
            string stderr = process.StandardError.ReadToEnd();
            if (process.ExitCode == 0)
                Assert.Skip("the evaluation finished before Ctrl-C reached it");
            process.ExitCode.Should().Be(130, stderr);
            stderr.Should().Contain("eval interrupted; the finished levels are kept in").And.Contain("rerun the same command to resume");
        }
        File.Exists(Path.Combine(results, "results.json")).Should().BeFalse();
        int kept = Directory.GetFiles(Path.Combine(results, "eval-progress"), "level-*.bin").Length;
        kept.Should().BeInRange(1, 4);

        var rerun = Cli.Run(Cli.Launcher, eval, Env);
        rerun.ExitCode.Should().Be(0, rerun.Stderr);
        rerun.Stderr.Should().Contain($"eval: resuming: {kept} of 5 levels finished by an earlier run");
        File.Exists(Path.Combine(results, "results.json")).Should().BeTrue();
    }

    [Theory]
    [InlineData("train")]
    [InlineData("eval")]
    public void A_full_disk_is_exit_code_74_with_no_file_under_a_final_name(string verb)
    {
        string jumps = Path.Combine(_dir, "jumps.gguf");
        if (verb == "eval")
            Cli.Run(Cli.Launcher, ["train", "--dump", dump.Path, "--out", jumps, "--epochs", "3"], Env).ExitCode.Should().Be(0);
        string full = Path.Combine(_dir, "tmpfs-" + verb);
        Directory.CreateDirectory(full);
        var mount = Cli.Run("/bin/mount", ["-t", "tmpfs", "-o", "size=12k", "tmpfs", full]);
        if (mount.ExitCode != 0)
            Assert.Skip($"cannot mount a small tmpfs here ({mount.Stderr.Trim()})");

        string output = Path.Combine(full, verb == "train" ? "jumps.gguf" : "results");
        var result = verb == "train"
            ? Cli.Run(Cli.Launcher, ["train", "--dump", dump.Path, "--out", output, "--epochs", "3"], Env)
            : Cli.Run(Cli.Launcher, ["eval", "--dump", dump.Path, "--jumps", jumps, "--out", output], Env);

        result.ExitCode.Should().Be(74, result.Stderr);
        result.Stderr.Split('\n').Should().ContainSingle(l => l.StartsWith("llamajump: error: ", StringComparison.Ordinal));
        File.Exists(verb == "train" ? output : Path.Combine(output, "results.json")).Should().BeFalse();
    }
}
