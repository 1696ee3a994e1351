using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AwesomeAssertions;

namespace LlamaJump.Tests.EndToEnd;

/// <summary>
/// A model over llama.cpp's RPC backend, on loopback only: two <c>./llamajump rpc-server</c>s started and stopped by
/// each test (bounded waits), the model's layers on them through <c>--rpc</c>. The servers compute with this machine's
/// own CPU kernels, so what they return equals the single-process run bit for bit: dumps are compared byte for byte
/// (their max relative difference, 0, is printed), generation token for token and exit block for exit block.
/// </summary>
public sealed class RpcTests(TrainedStoriesJumps jumps, ITestOutputHelper output) : IClassFixture<TrainedStoriesJumps>, IDisposable
{
    private static string Corpus => Path.Combine(Cli.Shared, "data", "wikitext-2", "wiki.test.raw");
    private readonly string _dir = Directory.CreateTempSubdirectory("llamajump-rpc-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Rpc(params LoopbackRpcServer[] servers) => string.Join(',', servers.Select(s => s.Endpoint));

    private CommandResult Dump(string model, string outDir, int train, int test, params string[] more) =>
        Cli.Run(Cli.Launcher, ["dump", "--model", model, "--corpus", Corpus, "--out", outDir, "--train", $"{train}", "--test", $"{test}", .. more], jumps.Environment);

    private void ExpectSameDump(string local, string remote, string label)
    {
        foreach (string file in new[] { "train.safetensors", "test.safetensors", "train.samples.jsonl", "test.samples.jsonl" })
        {
            byte[] a = File.ReadAllBytes(Path.Combine(local, file)), b = File.ReadAllBytes(Path.Combine(remote, file));
            b.Should().Equal(a, $"{label}: {file} over RPC equals the single-process dump");
        }
        output.WriteLine($"{label}: the dump over RPC equals the single-process dump byte for byte (max relative difference 0)");
    }

    [Theory]
    [InlineData("stories260K")]
    [InlineData("llama 24x1024 f16")]
    public void A_dump_over_two_servers_equals_the_single_process_dump(string label)
    {
        string model = label == "stories260K" ? "stories260K" : BigModel();
        using var a = new LoopbackRpcServer();
        using var b = new LoopbackRpcServer();
        int train = label == "stories260K" ? 200 : 6, test = label == "stories260K" ? 40 : 2;
        var local = Dump(model, Path.Combine(_dir, "local"), train, test);
        local.ExitCode.Should().Be(0, local.Stderr);
        var remote = Dump(model, Path.Combine(_dir, "remote"), train, test, "--rpc", Rpc(a, b));
        remote.ExitCode.Should().Be(0, remote.Stderr);
        remote.Stderr.Should().Contain($"rpc: {a.Endpoint} (1 device), {b.Endpoint} (1 device)");
        ExpectSameDump(Path.Combine(_dir, "local"), Path.Combine(_dir, "remote"), label);
    }

    [Fact]
    public void Doctor_lists_the_servers_devices_and_puts_every_layer_on_them()
    {
        using var a = new LoopbackRpcServer();
        var result = Cli.Llamajump("doctor", "--json", "--rpc", Rpc(a));

        result.ExitCode.Should().Be(0, result.Stderr);
        using var document = JsonDocument.Parse(result.Stdout);
        var root = document.RootElement;
        var rpc = root.GetProperty("native").GetProperty("devices").EnumerateArray().Where(d => d.GetProperty("kind").GetString() == "rpc").ToList();
        rpc.Should().ContainSingle().Which.GetProperty("description").GetString().Should().Be(a.Endpoint);
        var placement = root.GetProperty("placement");
        placement.GetProperty("blocks_offloaded").GetInt32().Should().Be(5, "stories260K's 5 blocks go to the server");
        placement.GetProperty("head_offloaded").GetBoolean().Should().BeTrue();
        placement.GetProperty("devices").EnumerateArray().Select(d => d.GetString()).Should().Equal(rpc[0].GetProperty("name").GetString());
        root.GetProperty("greedy").GetProperty("text").GetString().Should().StartWith(", there was a little girl named Lily.", "the servers compute what the CPU does");
    }

    /// <summary>The 24-block, 1024-wide llama of the benchmarks (0.75 GB), written once per machine under the temp
    /// directory (about 10 s).</summary>
    private static string BigModel()
    {
        string path = Path.Combine(Path.GetTempPath(), "llamajump-e2e-models", "llama-24x1024-f16.gguf");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var made = Cli.Run(Cli.Launcher, ["bench", "make-model", "--out", path]);
            made.ExitCode.Should().Be(0, made.Stderr);
        }
        return path;
    }

    [Fact]
    public void Generate_over_two_servers_is_token_identical_and_exits_and_drafts_at_the_same_blocks()
    {
        using var a = new LoopbackRpcServer();
        using var b = new LoopbackRpcServer();
        foreach (string[] mode in new[] { new[] { "--mode", "full" }, ["--mode", "exit", "--exit-layer", "2"], ["--mode", "exit", "--lambda", "0.6"], ["--mode", "spec"] })
        {
            string[] args = ["generate", "--prompt", "Once upon a time", "--max-tokens", "40", "--json", .. mode];
            var local = Cli.Run(Cli.Launcher, args, jumps.Environment);
            var remote = Cli.Run(Cli.Launcher, [.. args, "--rpc", Rpc(a, b)], jumps.Environment);
            local.ExitCode.Should().Be(0, local.Stderr);
            remote.ExitCode.Should().Be(0, remote.Stderr);
            var (localTokens, remoteTokens) = (Tokens(local.Stdout), Tokens(remote.Stdout));
            remoteTokens.Should().Equal(localTokens, $"{string.Join(' ', mode)}: (token, exit block) over RPC equal the local run's");
            // blocks are counted from the scheduler's own l_out nodes: an exit stops the remote splits as it stops local ones
            BlocksPerToken(remote.Stdout).Should().Be(BlocksPerToken(local.Stdout), $"{string.Join(' ', mode)}: blocks computed");
            output.WriteLine($"{string.Join(' ', mode)}: {localTokens.Count} tokens, exit blocks {string.Join(",", localTokens.Select(t => t.Block).Distinct())}, identical over RPC");
        }
        // llama.cpp's --tensor-split: 3 of every 4 layers on the first server; the output stays the same
        string[] full = ["generate", "--prompt", "Once upon a time", "--max-tokens", "40", "--json"];
        var split = Cli.Run(Cli.Launcher, [.. full, "--rpc", Rpc(a, b), "--tensor-split", "3,1"], jumps.Environment);
        split.ExitCode.Should().Be(0, split.Stderr);
        Tokens(split.Stdout).Should().Equal(Tokens(Cli.Run(Cli.Launcher, full, jumps.Environment).Stdout));
    }

    [Theory]
    [InlineData(new[] { "--tensor-split", "1,1" }, "--tensor-split needs --rpc")]
    [InlineData(new[] { "--rpc", "127.0.0.1:1,127.0.0.1:2", "--tensor-split", "1" }, "1 shares for 2 servers")]
    [InlineData(new[] { "--rpc", "127.0.0.1:1", "--tensor-split", "-1" }, "non-negative numbers")]
    [InlineData(new[] { "--rpc", "127.0.0.1:1", "--tensor-split", "0" }, "a share of 0")]
    public void A_bad_tensor_split_is_one_line_and_exit_code_2(string[] options, string mentions)
    {
        var result = Cli.Run(Cli.Launcher, ["generate", "--prompt", "Hi", "--max-tokens", "2", .. options]);
        result.ExitCode.Should().Be(2, result.Stderr);
        result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle(l => l.StartsWith("llamajump:", StringComparison.Ordinal))
            .Which.Should().Contain(mentions);
    }

    private static double BlocksPerToken(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("stats").GetProperty("blocks_per_token").GetDouble();

    private static List<(int Id, int Block)> Tokens(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("tokens").EnumerateArray()
            .Select(t => (t.GetProperty("id").GetInt32(), t.GetProperty("exit_layer").GetInt32())).ToList();

    [Fact]
    public async Task A_server_killed_mid_dump_is_one_line_and_exit_code_74_and_the_rerun_resumes()
    {
        var ct = TestContext.Current.CancellationToken;
        using var a = new LoopbackRpcServer();
        var b = new LoopbackRpcServer();
        string outDir = Path.Combine(_dir, "killed");
        string[] args = ["dump", "--corpus", Corpus, "--out", outDir, "--train", "3000", "--test", "200", "--sync-seconds", "0", "--sequences", "4"];
        using (var dump = Cli.Start(Cli.Launcher, [.. args, "--rpc", Rpc(a, b)], jumps.Environment))
        {
            var stderr = dump.StandardError.ReadToEndAsync(ct);
            var stdout = dump.StandardOutput.ReadToEndAsync(ct);
            // kill the second server once some samples are durable
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (!Directory.Exists(Path.Combine(outDir, "progress")) || Directory.GetFiles(Path.Combine(outDir, "progress")).Length == 0)
            {
                DateTime.UtcNow.Should().BeBefore(deadline, "the dump over RPC makes progress");
                dump.HasExited.Should().BeFalse("the dump is running");
                await Task.Delay(50, ct);
            }
            await Task.Delay(500, ct);
            b.Kill();
            using (var limit = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                limit.CancelAfter(TimeSpan.FromSeconds(60));
                await dump.WaitForExitAsync(limit.Token); // a lost server ends the dump
            }
            string err = await stderr;
            await stdout;
            dump.ExitCode.Should().Be(74, err);
            err.Split('\n').Where(l => l.StartsWith("llamajump:", StringComparison.Ordinal)).Should().ContainSingle()
                .Which.Should().Contain("an RPC server was lost mid-run").And.NotContain(".cpp:");
            File.Exists(Path.Combine(outDir, "manifest.json")).Should().BeFalse("nothing is presented as complete");
        }
        b.Dispose();

        using var restarted = new LoopbackRpcServer(b.Port);
        var rerun = Cli.Run(Cli.Launcher, [.. args, "--rpc", Rpc(a, restarted)], jumps.Environment);
        rerun.ExitCode.Should().Be(0, rerun.Stderr);
        var resumed = System.Text.RegularExpressions.Regex.Match(rerun.Stderr, @"resuming .*: (\d+) of 3200 samples already written");
        resumed.Success.Should().BeTrue(rerun.Stderr);
        int.Parse(resumed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(0);
        output.WriteLine($"the rerun resumed after {resumed.Groups[1].Value} of 3200 samples");

        var local = Cli.Run(Cli.Launcher, [.. args[..4], Path.Combine(_dir, "killed-local"), .. args[5..]], jumps.Environment);
        local.ExitCode.Should().Be(0, local.Stderr);
        ExpectSameDump(Path.Combine(_dir, "killed-local"), outDir, "killed and resumed");
    }

    [Theory]
    [InlineData("localhost", "is not host:port")]
    [InlineData("127.0.0.1:0", "the port must be a number in 1..65535")]
    [InlineData("127.0.0.1:70000", "the port must be a number in 1..65535")]
    [InlineData("::1:50052", "an IPv6 host goes in brackets")]
    [InlineData("127.0.0.1:50052,127.0.0.1:50052", "names a server twice")]
    [InlineData("127.0.0.1:50052,", "an empty entry")]
    public void A_malformed_endpoint_is_one_line_and_exit_code_2(string endpoint, string mentions)
    {
        var result = Cli.Run(Cli.Launcher, ["generate", "--prompt", "Hi", "--max-tokens", "2", "--rpc", endpoint]);
        result.ExitCode.Should().Be(2, result.Stderr);
        result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle(l => l.StartsWith("llamajump:", StringComparison.Ordinal))
            .Which.Should().Contain("--rpc").And.Contain(mentions);
    }

    [Fact]
    public void An_unreachable_server_is_one_line_and_exit_code_2()
    {
        string endpoint = $"127.0.0.1:{LoopbackRpcServer.FreePort()}";
        var result = Cli.Run(Cli.Launcher, ["dump", "--corpus", Corpus, "--out", Path.Combine(_dir, "none"), "--train", "10", "--test", "2", "--rpc", endpoint]);
        result.ExitCode.Should().Be(2, result.Stderr);
        result.Stderr.Split('\n').Where(l => l.StartsWith("llamajump:", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().Contain(endpoint).And.Contain("not reachable");
        Directory.Exists(Path.Combine(_dir, "none")).Should().BeFalse("nothing is started before the servers are there");
    }

    /// <summary>A server of another RPC protocol version: a fake that answers the handshake (HELLO) as a server of
    /// major version 4 would (request: cmd byte, size, payload; response: size, then major, minor, patch, padding and
    /// the capabilities it was sent).</summary>
    [Fact]
    public Task A_server_of_another_protocol_version_is_one_line_and_exit_code_2() =>
        ExpectRefusedByFakeServer(async (stream, ct) =>
        {
            var header = new byte[9];
            await stream.ReadExactlyAsync(header, ct);
            var payload = new byte[BitConverter.ToUInt64(header, 1)];
            await stream.ReadExactlyAsync(payload, ct);
            await stream.WriteAsync(BitConverter.GetBytes((ulong)(4 + payload.Length)), ct);
            await stream.WriteAsync(new byte[] { 4, 0, 0, 0 }.Concat(new byte[payload.Length]).ToArray(), ct);
            await Task.Delay(2000, ct);
        }, "another llama.cpp release");

    [Fact]
    public Task A_server_that_answers_nonsense_is_one_line_and_exit_code_2_not_an_abort() =>
        ExpectRefusedByFakeServer((stream, ct) => stream.WriteAsync("HTTP/1.1 400 Bad Request\r\n\r\n"u8.ToArray(), ct).AsTask(),
            "answered the handshake with nonsense");

    /// <summary>generate --rpc at a fake server on loopback that treats its one connection as <paramref name="behave"/>
    /// does: one line mentioning <paramref name="mentions"/> and exit code 2.</summary>
    private static async Task ExpectRefusedByFakeServer(Func<NetworkStream, CancellationToken, Task> behave, string mentions)
    {
        var ct = TestContext.Current.CancellationToken;
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var fake = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync(ct);
            await behave(client.GetStream(), ct);
        }, ct);
        try
        {
            var result = Cli.Run(Cli.Launcher, ["generate", "--prompt", "Hi", "--max-tokens", "2", "--rpc", $"127.0.0.1:{port}"], timeoutSeconds: 60);
            result.ExitCode.Should().Be(2, result.Stderr);
            result.Stderr.Split('\n').Where(l => l.StartsWith("llamajump:", StringComparison.Ordinal)).Should().ContainSingle()
                .Which.Should().Contain(mentions);
        }
        finally
        {
            listener.Stop();
        }
        await fake.WaitAsync(TimeSpan.FromSeconds(10), ct);
    }
}
