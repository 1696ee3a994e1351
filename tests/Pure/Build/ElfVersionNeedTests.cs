using System.Buffers.Binary;
using System.Text;
using AwesomeAssertions;
using LlamaJump.Build;
using Xunit;

namespace LlamaJump.Tests.Pure.Build;

/// <summary>
/// eng/ElfVersionNeed.cs (the build step behind eng/TorchSharpGlibcxx.targets), on copies of real system
/// libraries in a temporary directory and on tiny ELF images built here.
/// </summary>
public sealed class ElfVersionNeedTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("llamajump-elf-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void ReadNeeds_lists_the_glibc_versions_libz_needs()
    {
        IReadOnlyList<ElfNeededVersion> needs = ElfVersionNeed.ReadNeeds(CopyOfLibz());

        needs.Should().Contain(n => n.File == "libc.so.6" && n.Name == "GLIBC_2.2.5");
        needs.Should().OnlyContain(n => !n.IsWeak);
    }

    [Fact]
    public void Weaken_sets_only_the_weak_flag_of_that_need()
    {
        string path = CopyOfLibz();
        byte[] before = File.ReadAllBytes(path);
        DateTime lastWrite = File.GetLastWriteTimeUtc(path);
        IReadOnlyList<ElfNeededVersion> needsBefore = ElfVersionNeed.ReadNeeds(before);
        ElfNeededVersion target = needsBefore.Single(n => n.File == "libc.so.6" && n.Name == "GLIBC_2.2.5");

        ElfVersionNeed.Weaken(path, "libc.so.6", "GLIBC_2.2.5").Should().Be(ElfWeakenResult.Weakened);

        byte[] after = File.ReadAllBytes(path);
        after.Length.Should().Be(before.Length);
        Enumerable.Range(0, before.Length).Where(i => before[i] != after[i])
            .Should().OnlyContain(i => i >= target.FlagsOffset && i < target.FlagsOffset + 2).And.NotBeEmpty();
        File.GetLastWriteTimeUtc(path).Should().Be(lastWrite);
        IReadOnlyList<ElfNeededVersion> needsAfter = ElfVersionNeed.ReadNeeds(path);
        needsAfter.Single(n => n.FlagsOffset == target.FlagsOffset).Flags.Should().Be((ushort)(target.Flags | ElfVersionNeed.VerFlagWeak));
        needsAfter.Where(n => n.FlagsOffset != target.FlagsOffset).Select(n => n.Flags)
            .Should().Equal(needsBefore.Where(n => n.FlagsOffset != target.FlagsOffset).Select(n => n.Flags));
    }

    [Fact]
    public void Weaken_twice_reports_already_weak_and_writes_nothing()
    {
        string path = CopyOfLibz();
        ElfVersionNeed.Weaken(path, "libc.so.6", "GLIBC_2.2.5").Should().Be(ElfWeakenResult.Weakened);
        byte[] once = File.ReadAllBytes(path);
        File.SetLastWriteTimeUtc(path, new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));

        ElfVersionNeed.Weaken(path, "libc.so.6", "GLIBC_2.2.5").Should().Be(ElfWeakenResult.AlreadyWeak);

        File.ReadAllBytes(path).Should().Equal(once);
        File.GetLastWriteTimeUtc(path).Should().Be(new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
    }

    [Theory]
    [InlineData("libc.so.6", "GLIBC_99.0")]
    [InlineData("libm.so.6", "GLIBC_2.2.5")]
    public void Weaken_reports_a_need_the_library_does_not_have(string file, string version)
    {
        string path = CopyOfLibz();
        byte[] before = File.ReadAllBytes(path);

        ElfVersionNeed.Weaken(path, file, version).Should().Be(ElfWeakenResult.NotFound);

        File.ReadAllBytes(path).Should().Equal(before);
    }

    [Fact]
    public void Weaken_replaces_a_symlink_instead_of_writing_through_it()
    {
        string original = CopyOfLibz();
        byte[] pristine = File.ReadAllBytes(original);
        string link = Path.Combine(_directory, "link.so");
        File.CreateSymbolicLink(link, original);

        ElfVersionNeed.Weaken(link, "libc.so.6", "GLIBC_2.2.5").Should().Be(ElfWeakenResult.Weakened);

        File.ReadAllBytes(original).Should().Equal(pristine);
        new FileInfo(link).LinkTarget.Should().BeNull();
        ElfVersionNeed.ReadNeeds(link).Single(n => n.File == "libc.so.6" && n.Name == "GLIBC_2.2.5").IsWeak.Should().BeTrue();
    }

    [Fact]
    public void ReadDefinitions_lists_what_libstdcxx_defines_without_its_soname()
    {
        string libstdcxx = SystemLibrary.Locate("libstdc++.so.6") ?? throw new InvalidOperationException("No system libstdc++.so.6.");

        IReadOnlyList<string> definitions = ElfVersionNeed.ReadDefinitions(libstdcxx);

        definitions.Should().Contain("GLIBCXX_3.4").And.Contain("GLIBCXX_3.4.30").And.Contain("CXXABI_1.3").And.NotContain("libstdc++.so.6");
        ElfVersionNeed.DefinesVersion(libstdcxx, "GLIBCXX_3.4.30").Should().BeTrue();
        ElfVersionNeed.DefinesVersion(libstdcxx, "GLIBCXX_99.0").Should().BeFalse();
    }

    [Fact]
    public void Tiny_image_round_trips_needs_and_definitions()
    {
        TinyElf elf = TinyElf.Build();

        ElfVersionNeed.ReadNeeds(elf.Bytes).Select(n => $"{n.File} {n.Name}").Should().Equal(
            "libc.so.6 GLIBC_2.2.5", "libc.so.6 GLIBC_2.34", "libstdc++.so.6 GLIBCXX_3.4.32");
        ElfVersionNeed.ReadDefinitions(elf.Bytes).Should().Equal("TINY_1.0", "TINY_1.1");
        ElfVersionNeed.Weaken(elf.Bytes, "libstdc++.so.6", "GLIBCXX_3.4.32").Should().Be(ElfWeakenResult.Weakened);
        ElfVersionNeed.ReadNeeds(elf.Bytes).Where(n => n.IsWeak).Select(n => n.Name).Should().Equal("GLIBCXX_3.4.32");
    }

    [Fact]
    public void Image_without_version_sections_has_no_needs_or_definitions()
    {
        TinyElf elf = TinyElf.Build();
        elf.SetSectionType(2, 1); // SHT_PROGBITS
        elf.SetSectionType(3, 1);

        ElfVersionNeed.ReadNeeds(elf.Bytes).Should().BeEmpty();
        ElfVersionNeed.ReadDefinitions(elf.Bytes).Should().BeEmpty();
        ElfVersionNeed.Weaken(elf.Bytes, "libc.so.6", "GLIBC_2.2.5").Should().Be(ElfWeakenResult.NotFound);
    }

    public static TheoryData<string, string> MalformedHeaders => new()
    {
        { "empty", "too short" },
        { "text", "not an ELF file" },
        { "elf32", "32-bit" },
        { "big-endian", "big-endian" },
        { "no section table", "no section header table" },
        { "section table past the end", "section header table" },
        { "small section headers", "e_shentsize" },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void Malformed_header_is_invalid_data(string corruption, string expected)
    {
        byte[] image = TinyElf.Build().Bytes;
        switch (corruption)
        {
            case "empty": image = []; break;
            case "text": image = Encoding.ASCII.GetBytes(new string('x', 200)); break;
            case "elf32": image[4] = 1; break;
            case "big-endian": image[5] = 2; break;
            case "no section table": TinyElf.Write64(image, 0x28, 0); break;
            case "section table past the end": TinyElf.Write16(image, 0x3c, 400); break;
            case "small section headers": TinyElf.Write16(image, 0x3a, 40); break;
        }

        AssertInvalid(image, expected);
    }

    public static TheoryData<string, string> MalformedVersionSections => new()
    {
        { "verneed past the end of the file", ".gnu.version_r" },
        { "vn_next past the section", "outside its section" },
        { "vn_aux past the section", "outside its section" },
        { "vn_cnt longer than the chain", "vn_cnt" },
        { "vna_name past the string table", "outside its" },
        { "unterminated string", "runs off the end" },
        { "vn_version 2", "vn_version 2" },
        { "sh_info mismatch", "sh_info" },
        { "sh_link not a string table", "not a string table" },
        { "sh_link out of range", "sh_link" },
    };

    [Theory]
    [MemberData(nameof(MalformedVersionSections))]
    public void Malformed_version_need_is_invalid_data(string corruption, string expected)
    {
        TinyElf elf = TinyElf.Build();
        byte[] image = elf.Bytes;
        int firstNeed = elf.VerneedOffset;
        switch (corruption)
        {
            case "verneed past the end of the file": elf.SetSectionSize(2, image.Length); break;
            case "vn_next past the section": TinyElf.Write32(image, firstNeed + 12, 0x1000); break;
            case "vn_aux past the section": TinyElf.Write32(image, firstNeed + 8, 0x1000); break;
            case "vn_cnt longer than the chain": TinyElf.Write16(image, firstNeed + 2, 3); break;
            case "vna_name past the string table": TinyElf.Write32(image, firstNeed + 16 + 8, 0x1000); break;
            case "unterminated string": elf.SetSectionSize(1, elf.DynstrSize - 1); break;
            case "vn_version 2": TinyElf.Write16(image, firstNeed, 2); break;
            case "sh_info mismatch": elf.SetSectionInfo(2, 7); break;
            case "sh_link not a string table": elf.SetSectionLink(2, 3); break;
            case "sh_link out of range": elf.SetSectionLink(2, 99); break;
        }

        AssertInvalid(image, expected);
    }

    [Fact]
    public void Malformed_version_definition_is_invalid_data()
    {
        TinyElf elf = TinyElf.Build();
        TinyElf.Write32(elf.Bytes, elf.VerdefOffset + 16, 0x1000); // vd_next past the section

        Action read = () => ElfVersionNeed.ReadDefinitions(elf.Bytes, "tiny.so");

        read.Should().Throw<InvalidDataException>().WithMessage("tiny.so: *outside its section*");
    }

    [Fact]
    public void Truncated_real_library_is_invalid_data()
    {
        string path = CopyOfLibz();
        byte[] whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, whole[..(whole.Length / 2)]);

        Action read = () => ElfVersionNeed.ReadNeeds(path);
        Action weaken = () => ElfVersionNeed.Weaken(path, "libc.so.6", "GLIBC_2.2.5");

        read.Should().Throw<InvalidDataException>().WithMessage($"{path}: *past the end*");
        weaken.Should().Throw<InvalidDataException>();
        File.ReadAllBytes(path).Length.Should().Be(whole.Length / 2);
    }

    [Fact]
    public void Ldconfig_cache_lookup_picks_the_x86_64_entry()
    {
        const string output = """
            812 libs found in cache `/etc/ld.so.cache'
            	libstdc++fs.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libstdc++fs.so.6
            	libstdc++.so.6 (libc6) => /lib32/libstdc++.so.6
            	libstdc++.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libstdc++.so.6
            Cache generated by: ldconfig (GNU libc) stable release version 2.36
            """;

        SystemLibrary.FindInLdconfigCache(output, "libstdc++.so.6").Should().Be("/lib/x86_64-linux-gnu/libstdc++.so.6");
        SystemLibrary.FindInLdconfigCache(output, "libz.so.1").Should().BeNull();
    }

    private static void AssertInvalid(byte[] image, string expected)
    {
        Action read = () => ElfVersionNeed.ReadNeeds(image, "tiny.so");
        Action weaken = () => ElfVersionNeed.Weaken(image, "libc.so.6", "GLIBC_2.2.5", "tiny.so");

        read.Should().Throw<InvalidDataException>().WithMessage($"tiny.so: *{expected}*");
        weaken.Should().Throw<InvalidDataException>();
    }

    private string CopyOfLibz()
    {
        string libz = SystemLibrary.Locate("libz.so.1") ?? throw new InvalidOperationException("No system libz.so.1 to copy.");
        string copy = Path.Combine(_directory, $"libz-{Guid.NewGuid():N}.so.1");
        File.Copy(libz, copy);
        return copy;
    }

    /// <summary>
    /// A minimal ELF64 little-endian image: header, .dynstr (section 1), .gnu.version_r (2),
    /// .gnu.version_d (3), then the section header table.
    /// </summary>
    private sealed class TinyElf
    {
        private const int SectionHeaders = 4;

        private TinyElf(byte[] bytes, int shoff, int dynstrSize, int verneedOffset, int verdefOffset)
        {
            Bytes = bytes;
            SectionHeaderOffset = shoff;
            DynstrSize = dynstrSize;
            VerneedOffset = verneedOffset;
            VerdefOffset = verdefOffset;
        }

        public byte[] Bytes { get; }
        public int SectionHeaderOffset { get; }
        public int DynstrSize { get; }
        public int VerneedOffset { get; }
        public int VerdefOffset { get; }

        public static TinyElf Build()
        {
            (string File, string[] Versions)[] needs = [("libc.so.6", ["GLIBC_2.2.5", "GLIBC_2.34"]), ("libstdc++.so.6", ["GLIBCXX_3.4.32"])];
            string[] definitions = ["libtiny.so.1", "TINY_1.0", "TINY_1.1"]; // the first is the base (soname) entry

            var strings = new List<byte> { 0 };
            var offsets = new Dictionary<string, int>();
            foreach (string s in definitions.Concat(needs.SelectMany(n => n.Versions.Prepend(n.File))).Distinct())
            {
                offsets[s] = strings.Count;
                strings.AddRange(Encoding.ASCII.GetBytes(s));
                strings.Add(0);
            }

            int dynstr = 64;
            int verneed = Align(dynstr + strings.Count, 8);
            int verneedSize = needs.Sum(n => 16 + (16 * n.Versions.Length));
            int verdef = verneed + verneedSize;
            int verdefSize = definitions.Length * 28;
            int shoff = Align(verdef + verdefSize, 8);
            byte[] image = new byte[shoff + (64 * SectionHeaders)];

            image[0] = 0x7f;
            image[1] = (byte)'E';
            image[2] = (byte)'L';
            image[3] = (byte)'F';
            image[4] = 2; // ELFCLASS64
            image[5] = 1; // ELFDATA2LSB
            image[6] = 1; // EV_CURRENT
            Write16(image, 0x10, 3); // ET_DYN
            Write16(image, 0x12, 62); // EM_X86_64
            Write32(image, 0x14, 1);
            Write64(image, 0x28, (ulong)shoff);
            Write16(image, 0x34, 64);
            Write16(image, 0x3a, 64);
            Write16(image, 0x3c, SectionHeaders);
            strings.CopyTo(image, dynstr);

            int at = verneed;
            for (int i = 0; i < needs.Length; i++)
            {
                int size = 16 + (16 * needs[i].Versions.Length);
                Write16(image, at, 1);
                Write16(image, at + 2, (ushort)needs[i].Versions.Length);
                Write32(image, at + 4, (uint)offsets[needs[i].File]);
                Write32(image, at + 8, 16);
                Write32(image, at + 12, i + 1 < needs.Length ? (uint)size : 0);
                for (int j = 0; j < needs[i].Versions.Length; j++)
                {
                    int aux = at + 16 + (16 * j);
                    Write32(image, aux + 8, (uint)offsets[needs[i].Versions[j]]);
                    Write32(image, aux + 12, j + 1 < needs[i].Versions.Length ? 16u : 0);
                }

                at += size;
            }

            for (int i = 0; i < definitions.Length; i++)
            {
                int def = verdef + (28 * i);
                Write16(image, def, 1);
                Write16(image, def + 2, i == 0 ? (ushort)1 : (ushort)0); // VER_FLG_BASE
                Write16(image, def + 4, (ushort)(i + 1));
                Write16(image, def + 6, 1);
                Write32(image, def + 12, 20);
                Write32(image, def + 16, i + 1 < definitions.Length ? 28u : 0);
                Write32(image, def + 20, (uint)offsets[definitions[i]]);
            }

            var elf = new TinyElf(image, shoff, strings.Count, verneed, verdef);
            elf.SetSection(1, type: 3, offset: dynstr, size: strings.Count, link: 0, info: 0);
            elf.SetSection(2, type: 0x6ffffffe, offset: verneed, size: verneedSize, link: 1, info: (uint)needs.Length);
            elf.SetSection(3, type: 0x6ffffffd, offset: verdef, size: verdefSize, link: 1, info: (uint)definitions.Length);
            return elf;
        }

        public void SetSectionType(int index, uint type) => Write32(Bytes, Header(index) + 4, type);

        public void SetSectionSize(int index, long size) => Write64(Bytes, Header(index) + 0x20, (ulong)size);

        public void SetSectionLink(int index, uint link) => Write32(Bytes, Header(index) + 0x28, link);

        public void SetSectionInfo(int index, uint info) => Write32(Bytes, Header(index) + 0x2c, info);

        public static void Write16(byte[] image, int offset, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(offset), value);

        public static void Write32(byte[] image, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(offset), value);

        public static void Write64(byte[] image, int offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(offset), value);

        private void SetSection(int index, uint type, int offset, int size, uint link, uint info)
        {
            SetSectionType(index, type);
            Write64(Bytes, Header(index) + 0x18, (ulong)offset);
            SetSectionSize(index, size);
            SetSectionLink(index, link);
            SetSectionInfo(index, info);
        }

        private int Header(int index) => SectionHeaderOffset + (64 * index);

        private static int Align(int value, int alignment) => (value + alignment - 1) / alignment * alignment;
    }
}
