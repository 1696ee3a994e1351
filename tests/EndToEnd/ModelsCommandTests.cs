using System.Text.Json;
using AwesomeAssertions;

namespace LlamaJump.Tests.EndToEnd;

/// <summary><c>./llamajump models</c> as a user runs it, including the bad inputs of the foundation issue.</summary>
public sealed class ModelsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llamajump-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Lists_the_embedded_default_model_with_its_shape()
    {
        var result = Cli.Llamajump("models");

        result.ExitCode.Should().Be(0, result.Stderr);
        var line = result.Stdout.Split('\n').Single(l => l.StartsWith("stories260K.gguf", StringComparison.Ordinal));
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..5].Should().Equal("llama", "5", "64", "512");
        line.Should().Contain("F32").And.Contain("head+propagate+spec");
    }

    [Fact]
    public void Each_model_shows_what_the_backend_supports_for_its_architecture()
    {
        // a vocab-only copy renamed to an architecture without a head, and one llama.cpp does not know
        foreach (var (name, arch) in new[] { ("gemma-like.gguf", "gemma2"), ("baichuan-like.gguf", "baichuan"), ("alien.gguf", "no-such-arch") })
        {
            var vocab = LlamaJump.Gguf.GgufFile.Read(Path.Combine(Cli.Shared, "models", "vocab", "ggml-vocab-llama-spm.gguf"));
            using var writer = new LlamaJump.Gguf.GgufWriter(Path.Combine(_dir, name));
            foreach (var (key, value) in vocab.Metadata)
            {
                if (key != "general.alignment")
                    writer.SetMetadata(key.StartsWith("llama.", StringComparison.Ordinal) ? arch + key[5..] : key, value);
            }
            writer.SetMetadata("general.architecture", arch);
            writer.Complete();
        }

        var table = Cli.Run(Path.Combine(Cli.RepoRoot, "llamajump"), ["models"], new Dictionary<string, string?> { ["LLAMAJUMP_MODELS"] = _dir });
        table.ExitCode.Should().Be(0, table.Stderr);
        table.Stdout.Should().MatchRegex(@"gemma-like\.gguf\s+gemma2\s.*\shead\+propagate\+spec\s")
            .And.MatchRegex(@"baichuan-like\.gguf\s+baichuan\s.*\scapture only\s")
            .And.MatchRegex(@"alien\.gguf\s+no-such-arch\s.*\sunknown to llama\.cpp\s");

        var json = Cli.Run(Path.Combine(Cli.RepoRoot, "llamajump"), ["models", "--model", Path.Combine(_dir, "gemma-like.gguf"), "--json"]);
        json.ExitCode.Should().Be(0, json.Stderr);
        var support = JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().Single().GetProperty("support");
        support.GetProperty("head").GetBoolean().Should().BeTrue();
        support.GetProperty("propagate").GetBoolean().Should().BeTrue();
        support.GetProperty("spec").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public void Json_output_describes_one_model_by_name()
    {
        var result = Cli.Llamajump("models", "--model", "stories260K", "--json");

        result.ExitCode.Should().Be(0, result.Stderr);
        var model = JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().Single();
        model.GetProperty("architecture").GetString().Should().Be("llama");
        model.GetProperty("blocks").GetInt32().Should().Be(5);
        model.GetProperty("n_embd").GetInt32().Should().Be(64);
        model.GetProperty("vocab").GetInt32().Should().Be(512);
        model.GetProperty("path").GetString().Should().Be(Path.Combine(Cli.Shared, "models", "gguf", "stories260K.gguf"));
    }

    [Fact]
    public void Models_dropped_into_LLAMAJUMP_MODELS_are_listed()
    {
        File.Copy(Path.Combine(Cli.Shared, "models", "vocab", "ggml-vocab-phi-3.gguf"), Path.Combine(_dir, "phi3-vocab.gguf"));

        var result = Cli.Run(Path.Combine(Cli.RepoRoot, "llamajump"), ["models"], new Dictionary<string, string?> { ["LLAMAJUMP_MODELS"] = _dir });

        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stdout.Should().MatchRegex(@"phi3-vocab\.gguf\s+phi3\s+32\s+3072\s+32064\s+.*vocab-only");
    }

    public static TheoryData<string, string> BadModels => new()
    {
        { "missing", "not found" },
        { "truncated", "truncated at byte" },
        { "text", "not a GGUF file" },
        { "v1", "GGUF v1 is not supported" },
    };

    [Theory]
    [MemberData(nameof(BadModels))]
    public void A_bad_model_gives_one_line_on_stderr_and_exit_code_2(string kind, string expected)
    {
        string path = Path.Combine(_dir, kind + ".gguf");
        switch (kind)
        {
            case "truncated":
                File.WriteAllBytes(path, File.ReadAllBytes(Path.Combine(Cli.Shared, "models", "gguf", "stories260K.gguf"))[..5000]);
                break;
            case "text":
                File.WriteAllText(path, "this is not a model\n");
                break;
            case "v1":
                File.WriteAllBytes(path, [.. "GGUF"u8, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
                break;
        }

        foreach (var verb in new[] { "models", "doctor" })
        {
            var result = Cli.Llamajump(verb, "--model", path);

            result.ExitCode.Should().Be(2, $"{verb}: {result.Stderr}");
            var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines.Should().ContainSingle($"{verb} prints exactly one error line").Which.Should().StartWith("llamajump: error: ").And.Contain(expected);
            result.Stderr.Should().NotContain("   at ", "no stack trace by default");
        }
    }
}
