using AwesomeAssertions;
using LlamaJump.Dumps;

namespace LlamaJump.Tests.EndToEnd;

/// <summary><c>./llamajump dump</c> and <c>dump-merge</c> on stories260K and the shared WikiText corpus: the dump
/// reads back, survives kill -9, merges from shards, and refuses bad input with one line.</summary>
public sealed class DumpCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llamajump-dump-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Corpus => Path.Combine(Cli.Shared, "data", "wikitext-2", "wiki.test.raw");

    private string Out(string name) => Path.Combine(_dir, name);

    private static string[] Args(string output, params string[] extra) =>
        ["dump", "--corpus", Corpus, "--out", output, "--seed", "7", "--sequences", "4", .. extra];

    [Fact]
    public void A_small_dump_reads_back_with_its_manifest()
    {
        var result = Cli.Llamajump(Args(Out("d"), "--train", "40", "--test", "12"));

        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stdout.Trim().Should().Be(Out("d"));
        using var dump = DumpReader.Open(Out("d"));
        dump.Manifest.Identity.Model.Architecture.Should().Be("llama");
        dump.Manifest.Identity.Model.NLayer.Should().Be(5);
        var train = dump.Split(DumpSplit.Train);
        train.Count.Should().Be(40);
        train.NEmbd.Should().Be(64);
        train.Samples.Should().OnlyContain(s => s.Position >= 1 && s.Tokens.Length == s.Position + 1 && s.Tokens[0] == 1);
        train.Samples.Should().OnlyContain(s => s.Top1Logprob <= 0 && s.Top1 >= 0 && s.Top1 < 512);
        train.ReadBlock(4).Should().OnlyContain(x => float.IsFinite(x));
        dump.Split(DumpSplit.Test).Samples.Select(s => s.SentenceIndex).Should().NotIntersectWith(train.Samples.Select(s => s.SentenceIndex));
    }

    [Fact]
    public void A_dump_killed_mid_run_resumes_to_the_bytes_of_an_uninterrupted_one()
    {
        string[] size = ["--train", "1200", "--test", "200", "--sync-seconds", "0"];
        Cli.Llamajump(Args(Out("reference"), size)).ExitCode.Should().Be(0);

        string interrupted = Out("interrupted");
        using (var process = Cli.Start(Path.Combine(Cli.RepoRoot, "llamajump"), Args(interrupted, size)))
        {
            string journal = Path.Combine(interrupted, "progress", "train.journal.jsonl");
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (!(File.Exists(journal) && new FileInfo(journal).Length > 0) && !process.HasExited && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(5);
            }
            process.HasExited.Should().BeFalse("the dump must still be running when it is killed");
            process.Kill(entireProcessTree: true); // SIGKILL: no cleanup runs
            process.WaitForExit();
        }
        File.Exists(Path.Combine(interrupted, "manifest.json")).Should().BeFalse("an interrupted dump is never presented as complete");
        File.Exists(Path.Combine(interrupted, "train.safetensors")).Should().BeFalse();
        var open = () => DumpReader.Open(interrupted);
        open.Should().Throw<DumpException>();

        var resumed = Cli.Llamajump(Args(interrupted, size));

        resumed.ExitCode.Should().Be(0, resumed.Stderr);
        resumed.Stderr.Should().Contain("resuming");
        foreach (var file in new[] { "manifest.json", "train.safetensors", "test.safetensors", "train.samples.jsonl", "test.samples.jsonl" })
        {
            File.ReadAllBytes(Path.Combine(interrupted, file)).Should().Equal(File.ReadAllBytes(Path.Combine(Out("reference"), file)), file);
        }
        Directory.Exists(Path.Combine(interrupted, "progress")).Should().BeFalse();
    }

    [Fact]
    public async Task Ctrl_C_stops_after_the_current_batch_keeps_the_work_and_says_how_to_resume()
    {
        string output = Out("stopped");
        string[] args = Args(output, "--train", "1200", "--test", "200", "--sync-seconds", "0");
        int exitCode;
        string stderr;
        using (var process = Cli.Start(Path.Combine(Cli.RepoRoot, "llamajump"), args))
        {
            var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            string journal = Path.Combine(output, "progress", "train.journal.jsonl");
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (!(File.Exists(journal) && new FileInfo(journal).Length > 0) && !process.HasExited && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(5);
            }
            process.HasExited.Should().BeFalse();
            Cli.Run("/bin/kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).ExitCode.Should().Be(0);
            process.WaitForExit(60_000).Should().BeTrue();
            exitCode = process.ExitCode;
            stderr = await errors;
        }

        exitCode.Should().Be(130, stderr);
        stderr.Should().Contain("rerun the same command to resume");
        File.Exists(Path.Combine(output, "manifest.json")).Should().BeFalse();
        var resumed = Cli.Llamajump(args);
        resumed.ExitCode.Should().Be(0, resumed.Stderr);
        resumed.Stderr.Should().Contain("resuming");
    }

    [Fact]
    public void Rerunning_a_complete_dump_does_nothing_and_another_seed_is_refused_unless_forced()
    {
        string[] size = ["--train", "20", "--test", "8"];
        Cli.Llamajump(Args(Out("d"), size)).ExitCode.Should().Be(0);
        var stamp = File.GetLastWriteTimeUtc(Path.Combine(Out("d"), "manifest.json"));

        var again = Cli.Llamajump(Args(Out("d"), size));
        again.ExitCode.Should().Be(0);
        again.Stderr.Should().Contain("already holds this complete dump");
        File.GetLastWriteTimeUtc(Path.Combine(Out("d"), "manifest.json")).Should().Be(stamp);

        var otherSeed = Cli.Llamajump(["dump", "--corpus", Corpus, "--out", Out("d"), "--seed", "8", "--train", "20", "--test", "8"]);
        otherSeed.ExitCode.Should().Be(2);
        otherSeed.Stderr.Split('\n').Should().ContainSingle(l => l.StartsWith("llamajump: error: ", StringComparison.Ordinal))
            .Which.Should().Contain("seed (7 → 8)").And.Contain("--force");

        var forced = Cli.Llamajump(["dump", "--corpus", Corpus, "--out", Out("d"), "--seed", "8", "--train", "20", "--test", "8", "--force"]);
        forced.ExitCode.Should().Be(0, forced.Stderr);
        using var dump = DumpReader.Open(Out("d"));
        dump.Manifest.Identity.Seed.Should().Be(8UL);
    }

    [Fact]
    public void Shards_merge_into_the_unsharded_dump()
    {
        string[] size = ["--train", "30", "--test", "10"];
        Cli.Llamajump(Args(Out("whole"), size)).ExitCode.Should().Be(0);
        Cli.Llamajump(Args(Out("s1"), [.. size, "--shard", "1/2"])).ExitCode.Should().Be(0);
        Cli.Llamajump(Args(Out("s2"), [.. size, "--shard", "2/2"])).ExitCode.Should().Be(0);

        var merge = Cli.Llamajump("dump-merge", "--out", Out("merged"), Out("s2"), Out("s1"));

        merge.ExitCode.Should().Be(0, merge.Stderr);
        using var whole = DumpReader.Open(Out("whole"));
        using var merged = DumpReader.Open(Out("merged"));
        foreach (var split in new[] { DumpSplit.Train, DumpSplit.Test })
        {
            var a = whole.Split(split);
            var b = merged.Split(split);
            b.Samples.Select(s => (s.SentenceIndex, s.Position)).Should().Equal(a.Samples.Select(s => (s.SentenceIndex, s.Position)));
            b.Samples.Select(s => s.Tokens.Length).Should().Equal(a.Samples.Select(s => s.Tokens.Length));
            for (int block = 0; block < a.NLayer; block++)
            {
                // shards decode their sentences in other batches: equal up to float rounding (f16 storage)
                var x = a.ReadBlock(block);
                var y = b.ReadBlock(block);
                x.Zip(y).Max(p => Math.Abs(p.First - p.Second)).Should().BeLessThan(0.02f);
            }
        }
        var bad = Cli.Llamajump("dump-merge", "--out", Out("bad"), Out("s1"));
        bad.ExitCode.Should().Be(2);
        bad.Stderr.Should().Contain("llamajump: error: ");
    }
}
