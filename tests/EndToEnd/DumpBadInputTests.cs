using System.Text;
using AwesomeAssertions;
using LlamaJump.Dumps;

namespace LlamaJump.Tests.EndToEnd;

/// <summary>Bad input to <c>./llamajump dump</c>: one clear line, a non-zero exit, nothing corrupt left behind.</summary>
public sealed class DumpBadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llamajump-dump-bad-").FullName;

    public void Dispose()
    {
        if (Directory.Exists(Path.Combine(_dir, "full")))
        {
            Cli.Run("/bin/umount", [Path.Combine(_dir, "full")]);
        }
        Directory.Delete(_dir, recursive: true);
    }

    private static string Corpus => Path.Combine(Cli.Shared, "data", "wikitext-2", "wiki.test.raw");

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static void OneErrorLine(CommandResult result, int exitCode, string expected)
    {
        result.ExitCode.Should().Be(exitCode, result.Stderr);
        var errors = result.Stderr.Split('\n').Where(l => l.StartsWith("llamajump: error: ", StringComparison.Ordinal)).ToList();
        errors.Should().ContainSingle().Which.Should().Contain(expected);
        result.Stderr.Should().NotContain("   at ");
    }

    [Fact]
    public void A_missing_or_corrupt_model_is_refused()
    {
        OneErrorLine(Cli.Llamajump("dump", "--model", "no-such-model", "--corpus", Corpus, "--out", Path.Combine(_dir, "o")), 2, "not found");
        string corrupt = Write("corrupt.gguf", File.ReadAllBytes(Path.Combine(Cli.Shared, "models", "gguf", "stories260K.gguf"))[..4000]);
        OneErrorLine(Cli.Llamajump("dump", "--model", corrupt, "--corpus", Corpus, "--out", Path.Combine(_dir, "o")), 2, "truncated");
        Directory.Exists(Path.Combine(_dir, "o")).Should().BeFalse("nothing is created before the inputs are checked");
    }

    [Fact]
    public void An_empty_corpus_is_refused()
    {
        string empty = Write("empty.txt", []);
        OneErrorLine(Cli.Llamajump("dump", "--corpus", empty, "--out", Path.Combine(_dir, "o")), 2, "no usable sentences");
    }

    [Fact]
    public void A_corpus_smaller_than_asked_stops_unless_allow_fewer()
    {
        string small = Write("small.txt", Encoding.UTF8.GetBytes(string.Join("\n", Enumerable.Range(0, 30).Select(i => $"Sentence number {i} is here for the little dog."))));
        OneErrorLine(Cli.Llamajump("dump", "--corpus", small, "--out", Path.Combine(_dir, "o"), "--train", "30", "--test", "10"), 2, "--allow-fewer");

        var fewer = Cli.Llamajump("dump", "--corpus", small, "--out", Path.Combine(_dir, "o"), "--train", "30", "--test", "10", "--allow-fewer");
        fewer.ExitCode.Should().Be(0, fewer.Stderr);
        using var dump = DumpReader.Open(Path.Combine(_dir, "o"));
        (dump.Split(DumpSplit.Train).Count + dump.Split(DumpSplit.Test).Count).Should().BeLessThanOrEqualTo(30);
    }

    [Fact]
    public void Invalid_UTF8_is_replaced_and_counted_and_long_sentences_are_truncated_and_counted()
    {
        var text = new List<byte>();
        for (int i = 0; i < 40; i++)
        {
            text.AddRange(Encoding.UTF8.GetBytes($"The little dog number {i} ran to the big park "));
            text.AddRange([0xC3, 0x28, 0xFF]); // invalid sequences
            text.AddRange(Encoding.UTF8.GetBytes(" and then it saw a red ball and played with it all day long.\n"));
        }
        string corpus = Write("latin1.txt", text.ToArray());

        var result = Cli.Llamajump("dump", "--corpus", corpus, "--out", Path.Combine(_dir, "o"), "--train", "20", "--test", "5", "--max-tokens", "12");

        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stderr.Should().MatchRegex(@"replaced \d+ invalid bytes");
        result.Stderr.Should().MatchRegex(@"\d+ sentences longer than 12 tokens were truncated");
        using var dump = DumpReader.Open(Path.Combine(_dir, "o"));
        dump.Split(DumpSplit.Train).Samples.Should().OnlyContain(s => s.Tokens.Length <= 12 && s.Truncated);
    }

    [Fact]
    public void A_context_beyond_the_machine_is_refused_up_front_with_the_estimate()
    {
        var result = Cli.Llamajump("dump", "--corpus", Corpus, "--out", Path.Combine(_dir, "o"), "--sequences", "100000", "--max-tokens", "100000");
        OneErrorLine(result, 2, "needs about");
        result.Stderr.Should().Contain("GiB is available");
        Directory.Exists(Path.Combine(_dir, "o")).Should().BeFalse();
    }

    [Theory]
    [InlineData("--shard", "3/2")]
    [InlineData("--dtype", "f8")]
    [InlineData("--position", "middle")]
    [InlineData("--sequences", "0")]
    public void Bad_option_values_are_refused(string option, string value)
    {
        var result = Cli.Llamajump("dump", "--corpus", Corpus, "--out", Path.Combine(_dir, "o"), option, value);
        OneErrorLine(result, 2, option);
    }

    [Fact]
    public void A_dump_larger_than_the_free_space_is_refused_up_front_with_the_estimate()
    {
        string small = Path.Combine(_dir, "small");
        Directory.CreateDirectory(small);
        var mount = Cli.Run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", small]);
        if (mount.ExitCode != 0)
        {
            Assert.Skip($"cannot mount a small tmpfs here ({mount.Stderr.Trim()})");
        }
        try
        {
            // 2 100 samples × 5 blocks × 64 × 4 bytes = 2.6 MiB > 1 MiB
            var result = Cli.Llamajump("dump", "--corpus", Corpus, "--out", Path.Combine(small, "dump"), "--train", "2000", "--test", "100", "--dtype", "f32");
            OneErrorLine(result, 2, "needs about 2.6 MiB");
            File.Exists(Path.Combine(small, "dump", "manifest.json")).Should().BeFalse();
        }
        finally
        {
            Cli.Run("/bin/umount", [small]);
        }
    }

    [Fact]
    public void A_full_disk_is_a_clear_error_and_leaves_no_file_under_a_final_name()
    {
        string full = Path.Combine(_dir, "full");
        Directory.CreateDirectory(full);
        var mount = Cli.Run("/bin/mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", full]);
        if (mount.ExitCode != 0)
        {
            Assert.Skip($"cannot mount a small tmpfs here ({mount.Stderr.Trim()})");
        }
        string output = Path.Combine(full, "dump");

        // past the up-front space check (tested below), so the writer itself meets the full disk
        var result = Cli.Run(Cli.Launcher, ["dump", "--corpus", Corpus, "--out", output, "--train", "2000", "--test", "100", "--dtype", "f32"],
            new Dictionary<string, string?> { ["LLAMAJUMP_NO_SPACE_CHECK"] = "1" });

        result.ExitCode.Should().Be(74, result.Stderr);
        result.Stderr.Split('\n').Should().ContainSingle(l => l.StartsWith("llamajump: error: ", StringComparison.Ordinal))
            .Which.Should().MatchRegex("disk was full|[Nn]o space");
        File.Exists(Path.Combine(output, "manifest.json")).Should().BeFalse();
        File.Exists(Path.Combine(output, "train.safetensors")).Should().BeFalse();
    }
}
