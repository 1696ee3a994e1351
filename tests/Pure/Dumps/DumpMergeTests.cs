using LlamaJump.Dumps;
using LlamaJump.Dumps.Sampling;
using LlamaJump.Tests.Pure.Models;

namespace LlamaJump.Tests.Pure.Dumps;

public sealed class DumpMergeTests
{
    private static string[] WriteShards(TempDirectory temp, int count, Func<int, DumpIdentity>? identityOf = null) =>
        Enumerable.Range(1, count).Select(i =>
        {
            string dir = Path.Combine(temp.Root, $"shard{i}");
            DumpFixture.WriteAll(dir, identityOf?.Invoke(i) ?? DumpFixture.Identity(shard: new ShardSpec(i, count)), batchSize: 2);
            return dir;
        }).ToArray();

    [Fact]
    public void Three_shards_merge_into_the_unsharded_dump_byte_for_byte()
    {
        using var temp = new TempDirectory();
        string whole = Path.Combine(temp.Root, "whole");
        DumpFixture.WriteAll(whole, DumpFixture.Identity());
        string[] shards = WriteShards(temp, 3);

        string merged = Path.Combine(temp.Root, "merged");
        var manifest = DumpMerge.Merge([shards[2], shards[0], shards[1]], merged);

        Assert.Null(manifest.Identity.Shard);
        DumpFixture.AssertSameBytes(whole, merged);
        Assert.True(DumpMerge.Merge(shards, merged) == manifest); // merging again finds it complete
    }

    [Fact]
    public void Shards_that_do_not_belong_together_are_refused()
    {
        using var temp = new TempDirectory();
        string[] shards = WriteShards(temp, 3);
        string output = Path.Combine(temp.Root, "merged");

        Assert.Equal("shard 3/3 is missing", Refused([shards[0], shards[1]]));
        Assert.Equal($"{shards[1]} and {shards[1]} are both shard 2/3", Refused([shards[0], shards[1], shards[1]]));

        string otherSeed = Path.Combine(temp.Root, "other-seed");
        DumpFixture.WriteAll(otherSeed, DumpFixture.Identity(seed: 8, shard: new ShardSpec(3, 3)));
        Assert.Equal($"{otherSeed} does not belong with {shards[0]}: it differs in seed (7 → 8)", Refused([shards[0], shards[1], otherSeed]));

        string otherSplit = Path.Combine(temp.Root, "other-split");
        DumpFixture.WriteAll(otherSplit, DumpFixture.Identity(shard: new ShardSpec(2, 2)));
        Assert.Contains("they come from different --shard splits", Refused([shards[0], otherSplit]));

        string unsharded = Path.Combine(temp.Root, "unsharded");
        DumpFixture.WriteAll(unsharded, DumpFixture.Identity());
        Assert.Equal($"{unsharded} is not a shard (it was dumped without --shard)", Refused([unsharded]));

        Assert.Contains("is one of the shards", Refused([shards[0], shards[1], shards[2]], shards[0]));
        Assert.False(Directory.Exists(output));

        string Refused(string[] dirs, string? to = null) =>
            Assert.Throws<DumpMismatchException>(() => DumpMerge.Merge(dirs, to ?? output)).Message;
    }

    [Fact]
    public void An_incomplete_shard_is_refused_with_the_readers_message()
    {
        using var temp = new TempDirectory();
        string[] shards = WriteShards(temp, 2);
        File.Delete(Path.Combine(shards[1], "manifest.json"));
        var e = Assert.ThrowsAny<DumpException>(() => DumpMerge.Merge(shards, Path.Combine(temp.Root, "merged")));
        Assert.Contains(shards[1], e.Message);
    }
}
