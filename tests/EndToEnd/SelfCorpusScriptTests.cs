using AwesomeAssertions;

namespace LlamaJump.Tests.EndToEnd;

/// <summary><c>scripts/self-corpus.sh</c>: one sampled continuation per line after one of bench exit's openings, the
/// file only once complete, a resumed run continuing where the partial file ends; bad arguments are one line, exit 2.</summary>
public sealed class SelfCorpusScriptTests : IDisposable
{
    private static string Script => Path.Combine(Cli.RepoRoot, "scripts", "self-corpus.sh");

    private readonly string _directory = Directory.CreateTempSubdirectory("llamajump-self-corpus-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void It_writes_one_story_per_line_from_the_openings_and_resumes_a_partial_file()
    {
        string output = Path.Combine(_directory, "corpus.txt");
        string first = "Once upon a time, there was a little girl named Lily. She said hello.";
        File.WriteAllText(output + ".partial", first + "\n"); // an interrupted run's first story

        var result = Cli.Run(Script, ["--out", output, "--stories", "3", "--tokens", "12"]);

        result.ExitCode.Should().Be(0, result.Stderr);
        File.Exists(output + ".partial").Should().BeFalse();
        string[] lines = File.ReadAllLines(output);
        lines.Should().HaveCount(3);
        lines[0].Should().Be(first, "the partial file's stories are kept");
        lines[1].Should().StartWith("One day, a boy named Tom went to the park with his dog.");
        lines[2].Should().StartWith("The sun was shining and the birds were singing.");
        lines.Skip(1).Should().OnlyContain(l => l.Length > 60, "each opening is followed by its sampled continuation");
        result.Stderr.Should().Contain("self-corpus: 3/3 stories");
    }

    [Theory]
    [InlineData(new string[0], "--out FILE is required")]
    [InlineData(new[] { "--out", "x.txt", "--stories", "0" }, "--stories must be a positive integer (got '0')")]
    [InlineData(new[] { "--out", "x.txt", "--temperature", "0" }, "--temperature must be a positive number (got '0')")]
    [InlineData(new[] { "--out", "x.txt", "--colour", "red" }, "unknown argument '--colour'")]
    public void Bad_arguments_are_one_line_and_exit_code_2(string[] args, string expected)
    {
        var result = Cli.Run(Script, args);
        result.ExitCode.Should().Be(2);
        result.Stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain(expected);
    }
}
