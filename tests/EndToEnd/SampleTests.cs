using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AwesomeAssertions;

namespace LlamaJump.Tests.EndToEnd;

/// <summary>
/// samples/EarlyExitStory as a package consumer meets it: <c>./build.sh pack</c>, then a copy of the sample outside the
/// repo (so none of the repo's MSBuild files or global.json apply) restored from the packed folder feed, run on
/// stories260K without a jump file (it trains one in-process).
/// <para>Stale packages: the sample asks for the repo's version (0.1.0) and NuGet never re-extracts a version it has
/// cached, so a LlamaJump.* 0.1.0 left in the global packages folder by an earlier pack would hide this build. The test
/// deletes exactly those folders (llamajump.*/&lt;version&gt;) before restoring; every other cached package is reused.
/// A version stamp per run was the alternative, but it changes the assemblies' version and so recompiles the six
/// libraries in the repo's bin/ and obj/, which other tests of this tier run from.</para>
/// </summary>
public sealed partial class SampleTests : IDisposable
{
    private const string Prompt = "Once upon a time"; // the sample's built-in prompt and length
    private const int MaxTokens = 40;
    private const int NLayer = 5; // stories260K

    private readonly string _dir = Directory.CreateTempSubdirectory("llamajump-sample-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_packed_sample_prints_the_greedy_story_and_an_early_exit_story()
    {
        var packed = Cli.Run(Path.Combine(Cli.RepoRoot, "build.sh"), ["pack"], timeoutSeconds: 600);
        packed.ExitCode.Should().Be(0, packed.Stderr);

        string sample = CopySample();
        string version = SampleVersion(sample);
        string feed = Path.Combine(Cli.RepoRoot, "build", "packages");
        foreach (var id in new[] { "Gguf", "Models", "Dumps", "Interop", "Engine", "Shortcuts" })
            File.Exists(Path.Combine(feed, $"LlamaJump.{id}.{version}.nupkg")).Should().BeTrue($"the sample asks for {version} and build.sh pack makes LlamaJump.{id}");
        ForgetCachedPackages(version);

        string model = Path.Combine(Cli.Shared, "models", "gguf", "stories260K.gguf");
        // no LLAMAJUMP_NATIVE_DIR: the sample must find the packaged libllama.so itself
        var env = new Dictionary<string, string?> { ["LLAMAJUMP_NATIVE_DIR"] = null, ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" };
        var run = Cli.Run("dotnet", ["run", "-c", "Release", "--", model], env, timeoutSeconds: 600, workingDirectory: sample);
        run.ExitCode.Should().Be(0, run.Stdout + run.Stderr);

        var full = JsonDocument.Parse(Cli.Llamajump("generate", "--model", model, "--mode", "full", "--prompt", Prompt,
            "--max-tokens", MaxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json").Stdout).RootElement;
        string[] lines = run.Stdout.Split('\n');
        lines.Should().Contain($"greedy: {Prompt}{full.GetProperty("text").GetString()}");

        string story = lines.SkipWhile(l => !l.StartsWith("early exit", StringComparison.Ordinal)).Skip(1).First();
        story.Should().StartWith(Prompt);
        var exits = ExitBlock().Matches(story).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        exits.Should().NotBeEmpty().And.HaveCountLessThanOrEqualTo(MaxTokens).And.OnlyContain(k => k >= 0 && k < NLayer);

        // the built sample again (no second build): a missing and a non-GGUF model are one line on stderr and exit 1
        string dll = Path.Combine(sample, "bin", "Release", "net10.0", "EarlyExitStory.dll");
        string notGguf = Path.Combine(_dir, "not-a-model.gguf");
        File.WriteAllText(notGguf, "hello");
        foreach (var bad in new[] { Path.Combine(_dir, "missing.gguf"), notGguf })
        {
            var refused = Cli.Run("dotnet", [dll, bad], env, timeoutSeconds: 60, workingDirectory: sample);
            refused.ExitCode.Should().Be(1, refused.Stdout + refused.Stderr);
            refused.Stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("EarlyExitStory: error: ").And.Contain(Path.GetFileName(bad));
        }
    }

    private static string SampleSource => Path.Combine(Cli.RepoRoot, "samples", "EarlyExitStory");

    /// <summary>The sample's sources (no bin/obj) in the temp directory, its feed pointed at the repo's build/packages.</summary>
    private string CopySample()
    {
        string target = Path.Combine(_dir, "EarlyExitStory");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(SampleSource))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        string config = Path.Combine(target, "NuGet.Config");
        var doc = XDocument.Load(config);
        doc.Descendants("add").Single(e => (string?)e.Attribute("key") == "llamajump-local")
            .SetAttributeValue("value", Path.Combine(Cli.RepoRoot, "build", "packages"));
        doc.Save(config);
        return target;
    }

    private static string SampleVersion(string sampleDir) =>
        XDocument.Load(Path.Combine(sampleDir, "EarlyExitStory.csproj")).Descendants("PackageReference")
            .Single(e => (string?)e.Attribute("Include") == "LlamaJump.Engine").Attribute("Version")!.Value;

    /// <summary>Deletes the global packages folder's LlamaJump.* of <paramref name="version"/> (only those).</summary>
    private static void ForgetCachedPackages(string version)
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        if (!Directory.Exists(cache))
            return;
        foreach (var package in Directory.EnumerateDirectories(cache, "llamajump.*"))
        {
            string cached = Path.Combine(package, version);
            if (Directory.Exists(cached))
                Directory.Delete(cached, recursive: true);
        }
    }

    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex ExitBlock();
}
