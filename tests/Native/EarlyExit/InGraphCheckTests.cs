using AwesomeAssertions;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Interop.EarlyExit;

namespace LlamaJump.Tests.Native.EarlyExit;

/// <summary>
/// The exit check runs in the graph (softmax, argmax and the top probability on the head's device; two numbers read
/// back). Its numbers and decisions are compared with an independent host computation on the same inputs: the
/// candidate blocks' captured rows, the jump applied here, the model's head (llama_jump_head, its own graph) and a
/// softmax in double. The jump's top probabilities spread over the whole λ range, so the sweep crosses many decisions.
/// </summary>
public sealed class InGraphCheckTests
{
    private static readonly float[] Lambdas = [0.05f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 0.95f];

    [Fact]
    public void The_graphs_top_probability_token_and_exit_block_equal_the_host_computation_at_every_lambda()
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        var context = session.Context;
        int nEmbd = session.NEmbd, nLayer = session.NLayer, nVocab = session.NVocab;
        int[] candidates = Enumerable.Range(0, nLayer - 1).ToArray();
        var jump = RandomFullRank(nEmbd);
        NativeEarlyExit.Install(context, jump);
        BlockCapture.SetBlocks(context, candidates);
        int[] prompt = session.Tokenize(ExitFixtures.Prompt);
        var row = new float[nEmbd];
        var logits = new float[nVocab];
        int checks = 0, exits = 0, worst = 0;
        double largestDifference = 0;
        foreach (float lambda in Lambdas)
        {
            context.NativeHandle.MemoryClear();
            NativeEarlyExit.SetPolicy(context, new ExitPolicy(candidates, lambda, Propagate: true));
            ExitBlocksTests.Decode(session, prompt, 0);
            var histogram = new int[nLayer];
            int next = Argmax(context.NativeHandle.GetLogitsIth(prompt.Length - 1));
            for (int step = 0; step < 24; step++)
            {
                ExitBlocksTests.Decode(session, [next], prompt.Length + step);
                var graph = NativeEarlyExit.LastChecks(context);
                int exitBlock = NativeEarlyExit.LastLevels(context, 1)[0];
                int expectedExit = nLayer - 1;
                for (int i = 0; i < graph.Length; i++)
                {
                    graph[i].Block.Value.Should().Be(candidates[i], "checks run in candidate order, up to the exit");
                    BlockCapture.CopyRows(context, graph[i].Block, row);
                    OutputHead.Apply(context, Jumped(row, jump), 1, logits);
                    var (token, topP) = HostCheck(logits);
                    graph[i].Token.Should().Be(token, $"λ {lambda}, step {step}, block {graph[i].Block}");
                    double difference = Math.Abs(graph[i].TopProbability - topP);
                    difference.Should().BeLessThan(2e-6, "a float softmax differs from a double one by rounding only");
                    if (difference > largestDifference)
                    {
                        largestDifference = difference;
                        worst = checks;
                    }
                    checks++;
                    if (topP >= lambda)
                    {
                        Math.Abs(topP - lambda).Should().BeGreaterThan(1e-5, "no decision of this sweep is a near tie");
                        expectedExit = graph[i].Block.Value;
                        i.Should().Be(graph.Length - 1, "the first confident check is the last one computed");
                        break;
                    }
                }
                if (expectedExit == nLayer - 1)
                    graph.Should().HaveCount(candidates.Length, "a token that does not exit is checked at every candidate");
                exitBlock.Should().Be(expectedExit, $"λ {lambda}, step {step}");
                if (exitBlock < nLayer - 1)
                    exits++;
                histogram[exitBlock]++;
                next = Argmax(context.NativeHandle.GetLogitsIth(0));
            }
            TestContext.Current.TestOutputHelper?.WriteLine($"λ {lambda}: exit blocks {string.Join(" ", histogram)}");
        }
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{checks} checks, {exits} exits of {Lambdas.Length * 24} tokens; largest |p_graph − p_host| {largestDifference:E2} (check {worst})");
        exits.Should().BeInRange(1, Lambdas.Length * 24 - 1, "the sweep crosses decisions both ways");
    }

    /// <summary>jump(h) = BatchNorm(h)·A·B with the scale exactly 1, the shift 0 and A = I: h·B.</summary>
    private static float[] Jumped(float[] h, ExitJump jump)
    {
        int n = jump.NEmbd;
        var y = new float[n];
        for (int j = 0; j < n; j++)
        {
            float sum = 0;
            for (int i = 0; i < n; i++)
                sum += h[i] * jump.B[i * n + j];
            y[j] = sum;
        }
        return y;
    }

    /// <summary>The host's check: the first largest logit and its softmax probability, in double.</summary>
    private static (int Token, double TopP) HostCheck(ReadOnlySpan<float> logits)
    {
        int token = Argmax(logits);
        double sum = 0;
        foreach (float z in logits)
            sum += Math.Exp((double)z - logits[token]);
        return (token, 1 / sum);
    }

    private static int Argmax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
                best = i;
        }
        return best;
    }

    /// <summary>BatchNorm with scale exactly 1 and shift 0 (running_var + eps = 1), A = I and B a fixed random matrix,
    /// so that jump(h) = h·B is easy to recompute here; its top probabilities on stories260K spread over 0.05 … 0.95.</summary>
    private static ExitJump RandomFullRank(int nEmbd)
    {
        const float eps = 0.25f; // running_var + eps = 0.75 + 0.25 = 1 exactly, so the scale is exactly 1
        var identity = new float[nEmbd * nEmbd];
        for (int i = 0; i < nEmbd; i++)
            identity[i * nEmbd + i] = 1;
        var b = ExitFixtures.RandomJump(nEmbd, rank: nEmbd, seed: 11).B;
        return new ExitJump(nEmbd, nEmbd, Filled(nEmbd, 1), new float[nEmbd], new float[nEmbd], Filled(nEmbd, 0.75f), eps, identity, b);
    }

    private static float[] Filled(int n, float value) => Enumerable.Repeat(value, n).ToArray();
}
