using System.Text.RegularExpressions;
using AwesomeAssertions;

namespace LlamaJump.Tests.EndToEnd;

/// <summary>
/// scripts/gpu-check.sh prepare, staged once for the tests with stories260K only (the trimmed llama.cpp tree,
/// the model, a jump trained by dump + train: about 15 s), then <c>run --cpu</c> once against build/native/lib: the
/// check program compiled and run with its "GPU side" on the CPU too. Both in temp folders, never build/gpu-check.
/// </summary>
public sealed class StagedGpuCheck : IDisposable
{
    /// <summary>Options for every gpu_check call of the CPU run: one thread (no spinning workers beside other test
    /// processes) and a short speed check, which only reports.</summary>
    public const string CheckArgs = "--threads 1 --speed-tokens 8 --rounds 1";

    public StagedGpuCheck()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("llamajump-gpu-check-").FullName;
        Prepared = GpuCheckScript.Run(["prepare", "--models", "stories260K"], Stage, Build);
        if (Prepared.ExitCode != 0)
            throw new InvalidOperationException(Prepared.Stderr);
        CpuRun = GpuCheckScript.Run(["run", "--cpu"], Stage, Build, CheckArgs);
    }

    public string Directory { get; }
    public string Stage => Path.Combine(Directory, "stage");
    public string Build => Path.Combine(Directory, "build");
    public string Program => Path.Combine(Build, "cpu", "gpu_check");
    public string Model => Path.Combine(Stage, "models", "stories260K.gguf");
    public string Jump => Path.Combine(Stage, "models", "stories260K.jumps.gguf");
    public CommandResult Prepared { get; }
    public CommandResult CpuRun { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

internal static class GpuCheckScript
{
    public static string Path => System.IO.Path.Combine(Cli.RepoRoot, "scripts", "gpu-check.sh");

    public static CommandResult Run(string[] args, string stage, string build, string? checkArgs = null, int? limitMib = null)
    {
        var environment = new Dictionary<string, string?> { ["GPU_CHECK_DIR"] = stage, ["GPU_CHECK_BUILD"] = build, ["GPU_CHECK_ARGS"] = checkArgs };
        if (limitMib is { } limit)
            environment["GPU_CHECK_LIMIT_MIB"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Cli.Run(Path, args, environment);
    }
}

/// <summary>
/// The prepared device check (scripts/gpu-check.sh, tools/GpuCheck/gpu_check.c) on this machine's CPU: the dry run
/// names missing or damaged inputs in one line and prints the plan for staged ones; the CPU run finds exactly no
/// difference between its two sides and identical exit blocks; a device side that computes differently (flash
/// attention off) fails the check; bad input to the program is one line and exit code 2.
/// </summary>
public sealed class GpuCheckScriptTests(StagedGpuCheck staged) : IClassFixture<StagedGpuCheck>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llamajump-gpu-check-test-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void OneErrorLine(CommandResult result, int exitCode, string expected)
    {
        result.ExitCode.Should().Be(exitCode, result.Stderr);
        result.Stdout.Should().BeEmpty();
        result.Stderr.TrimEnd('\n').Split('\n').Should().ContainSingle().Which.Should().Contain(expected);
    }

    /// <summary>A copy of the staged inputs, to damage.</summary>
    private string CopyOfStage()
    {
        string copy = Path.Combine(_dir, "stage");
        foreach (string file in Directory.EnumerateFiles(staged.Stage, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(copy, Path.GetRelativePath(staged.Stage, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return copy;
    }

    [Fact]
    public void Prepare_prints_the_staged_size_against_the_limit_and_stages_a_complete_manifest()
    {
        staged.Prepared.Stdout.Should().MatchRegex(@"gpu-check: staged \d+\.\d MiB in .+ \(llama\.cpp tree \d+\.\d MiB, 1 models with jumps\); with the working tree \(\d+\.\d MiB\) \d+\.\d MiB of the 64 MiB a device run carries");
        string[] rows = File.ReadAllLines(Path.Combine(staged.Stage, "manifest.tsv")).Where(l => !l.StartsWith('#')).ToArray();
        rows.Should().ContainSingle().Which.Split('\t').Should().Equal("stories260K", "models/stories260K.gguf", "models/stories260K.jumps.gguf",
            "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d", "0.5", "5", "64", "1185376", new FileInfo(staged.Jump).Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.Exists(Path.Combine(staged.Stage, "llama.cpp", "ggml", "src", "ggml-cuda")).Should().BeTrue();
        Directory.Exists(Path.Combine(staged.Stage, "llama.cpp", "ggml", "src", "ggml-vulkan")).Should().BeFalse("only the CPU and CUDA backends travel");
        Directory.Exists(Path.Combine(staged.Stage, "llama.cpp", "common")).Should().BeFalse();
        Directory.Exists(staged.Stage + ".work").Should().BeFalse("the dumps stay out of what is carried");
    }

    [Fact]
    public void Prepare_refuses_a_stage_over_the_limit_in_one_line()
    {
        string copy = CopyOfStage();

        var result = GpuCheckScript.Run(["prepare", "--models", "stories260K"], copy, Path.Combine(_dir, "build"), limitMib: 1);

        result.ExitCode.Should().Be(2, result.Stderr);
        result.Stderr.Split('\n').Where(l => l.StartsWith("gpu-check: error: ", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().MatchRegex(@"come to \d+\.\d MiB, over the 1 MiB a device run carries");
        File.Exists(Path.Combine(copy, "manifest.tsv")).Should().BeFalse("a refused stage is not complete");
    }

    [Fact]
    public void Dry_run_without_staged_inputs_is_one_line_and_exit_code_2()
    {
        var result = GpuCheckScript.Run(["--dry-run"], Path.Combine(_dir, "nothing"), Path.Combine(_dir, "build"));

        OneErrorLine(result, 2, "manifest.tsv is missing: nothing is staged (run scripts/gpu-check.sh prepare");
    }

    [Fact]
    public void Dry_run_names_a_staged_file_cut_short()
    {
        string copy = CopyOfStage();
        string jump = Path.Combine(copy, "models", "stories260K.jumps.gguf");
        using (var stream = new FileStream(jump, FileMode.Open))
            stream.SetLength(stream.Length / 2);

        var result = GpuCheckScript.Run(["--dry-run"], copy, Path.Combine(_dir, "build"));

        OneErrorLine(result, 2, $"{jump} has {new FileInfo(jump).Length} bytes, the manifest says");
    }

    [Fact]
    public void Dry_run_on_staged_inputs_prints_the_plan_and_builds_nothing()
    {
        string build = Path.Combine(_dir, "build");

        var result = GpuCheckScript.Run(["--dry-run"], staged.Stage, build);

        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stdout.Should().Contain("gpu-check plan (gpu run; dry run: nothing is built or run)");
        result.Stdout.Should().MatchRegex(@"build    cmake -S .+/llama\.cpp -B .+/cuda .*-DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=native");
        result.Stdout.Should().Contain("-DLLAMA_BUILD_COMMON=OFF").And.Contain("-DGGML_CUDA_FA_ALL_QUANTS=OFF");
        result.Stdout.Should().Contain("check    stories260K").And.Contain("hidden states of all 5 blocks GPU vs CPU, exit blocks at λ 0.5, tokens/s full vs exit at block 1");
        result.Stdout.Should().MatchRegex(@"tools    cmake [0-9.]+, cc [0-9.]+");
        if (!File.Exists("/usr/local/cuda/bin/nvcc"))
            result.Stderr.Should().Contain("gpu-check: warning: nvcc not found");
        Directory.Exists(build).Should().BeFalse();
    }

    [Fact]
    public void A_cpu_run_finds_no_difference_and_identical_exit_blocks()
    {
        var result = staged.CpuRun;

        result.ExitCode.Should().Be(0, result.Stderr);
        string[] lines = result.Stdout.Split('\n');
        lines.Should().Contain(l => l.StartsWith("model ", StringComparison.Ordinal) && l.Contains("hidden max rel (tol)") && l.Contains("exits same"));
        string row = lines.Single(l => l.StartsWith("stories260K ", StringComparison.Ordinal));
        row.Should().MatchRegex(@"^stories260K\s+cpu\s+5x64\s+0\.00e\+00 b0 \(0\)\s+0\.00e\+00\s+64/64\s+\d\.\d\d\s+[0-9.]+\s+[0-9.]+\s+[0-9.]+x\s+ok$",
            "every block's hidden states and the logits equal to the bit, all 64 exit blocks the same");
        result.Stdout.Should().Contain("verdict  ok: every check passed on 1 models");

        string log = File.ReadAllText(Path.Combine(staged.Build, "cpu", "check-stories260K.log"));
        log.Should().Contain("blocks computed = exit block + 1 for 64");
        Regex.Matches(log, @"hidden  block +\d+: max relative difference 0\.000e\+00").Should().HaveCount(5);
        Regex.Match(log, @"(\d+) exited before the last block").Groups[1].Value.Should().NotBe("0", "λ 0.5 lets some tokens leave early, so the exit path is exercised");
        log.Should().MatchRegex(@"speed   round 1: full [0-9.]+ tokens/s, exit at block 1 [0-9.]+ tokens/s");
    }

    [Fact]
    public void A_device_side_that_computes_differently_fails_the_check()
    {
        // flash attention off on one side: other kernels, so float rounding differs and the CPU's tolerance 0 fails
        var result = GpuCheckScript.Run(["run", "--cpu"], staged.Stage, Path.Combine(_dir, "build"), "--threads 1 --speed-tokens 0 --flash-attn off");

        result.ExitCode.Should().Be(1, result.Stderr);
        result.Stdout.Split('\n').Single(l => l.StartsWith("stories260K ", StringComparison.Ordinal)).Should().MatchRegex(@"[1-9]\.\d\de-0\d b\d \(0\).*FAILED: hidden");
        result.Stdout.Should().Contain("verdict  FAILED: stories260K (exit 1)");
    }

    public static TheoryData<string, string[], string> BadInputs => new()
    {
        { "missing model", ["--model", "/nonexistent/model.gguf"], "/nonexistent/model.gguf: No such file or directory" },
        { "missing jump", ["--jump", "/nonexistent/jumps.gguf"], "/nonexistent/jumps.gguf: No such file or directory" },
        { "jump of another model", ["--model-sha256", new string('0', 64)], "stories260K.jumps.gguf was trained for model 270cba1b… (llama), not 00000000…" },
        { "not a jump file", ["--jump", "MODEL"], "stories260K.gguf: not a LlamaJump jump file (key llamajump.format_version is missing)" },
        { "bad option", ["--lambda", "high"], "--lambda 'high': expected a non-negative number" },
    };

    [Fact]
    public void A_gpu_run_of_the_program_on_a_cpu_build_says_there_is_no_gpu()
    {
        if (File.Exists(Path.Combine(Cli.RepoRoot, "build", "native", "lib", "libggml-cuda.so")))
            Assert.Skip("build/native/lib is a CUDA build here; this checks the message of a CPU build");

        var result = Cli.Run(staged.Program, ["--model", staged.Model, "--jump", staged.Jump]);

        OneErrorLine(result, 2, "gpu_check: error: no GPU device in this build of ggml (built without -DGGML_CUDA=ON, or no GPU visible)");
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_to_the_check_program_is_one_line_and_exit_code_2(string what, string[] options, string expected)
    {
        _ = what;
        File.Exists(staged.Program).Should().BeTrue("the CPU run compiled it");
        var args = new List<string> { "--device", "cpu", "--model", staged.Model, "--jump", staged.Jump, "--speed-tokens", "0", "--threads", "1" };
        for (int i = 0; i < options.Length; i += 2)
        {
            int at = args.IndexOf(options[i]);
            string value = options[i + 1] == "MODEL" ? staged.Model : options[i + 1];
            if (at >= 0)
                args[at + 1] = value;
            else
                args.AddRange([options[i], value]);
        }

        var result = Cli.Run(staged.Program, args);

        OneErrorLine(result, 2, expected);
        result.Stderr.Should().StartWith("gpu_check: error: ");
    }
}
