// Inline MSBuild task used by TorchSharpGlibcxxFix.targets (see docs/torchsharp-glibcxx.md).
//
// TorchSharp 0.107's native shim libLibTorchSharp.so was linked against GCC 13's libstdc++ and so carries a
// version requirement on GLIBCXX_3.4.32. The only symbol bound to that version is
// _ZSt21ios_base_library_initv, a link-time marker that <iostream> references without any relocation, so
// nothing ever looks it up at run time. glibc's loader still refuses to load the library when the system
// libstdc++ (Debian 12: up to GLIBCXX_3.4.30) does not define the version. glibc accepts a missing version
// when its requirement is flagged VER_FLG_WEAK, so this task sets that flag in the copied file.
//
// The task changes a copy in the build output only (it writes a sibling file and renames it over the copy,
// which also breaks any hard link to the NuGet cache). It does nothing when the system libstdc++ defines
// every listed version, when a file is not a 64-bit little-endian ELF, or when a relocation actually binds
// a symbol of that version (then weakening it would only move the failure to symbol lookup).
//
// RoslynCodeTaskFactory compiles this against netstandard2.0 reference assemblies: keep to that API surface.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class TorchSharpMarkGlibcxxVersionsWeak : Task
{
    /// <summary>The libLibTorchSharp.so copies to check (in a build or publish output folder).</summary>
    [Required]
    public ITaskItem[] Files { get; set; }

    /// <summary>Semicolon-separated libstdc++ version names that may be weakened, e.g. GLIBCXX_3.4.32.</summary>
    [Required]
    public string Versions { get; set; }

    /// <summary>Optional: the libstdc++.so.6 to compare against; found automatically when empty.</summary>
    public string LibStdCxxPath { get; set; }

    [Output]
    public ITaskItem[] PatchedFiles { get; set; }

    private const ushort VerFlagWeak = 0x2;

    public override bool Execute()
    {
        var patched = new List<ITaskItem>();
        PatchedFiles = patched.ToArray();

        var wanted = new HashSet<string>(
            (Versions ?? "").Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries).Select(v => v.Trim()),
            StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            return true;
        }

        string libStdCxx = string.IsNullOrEmpty(LibStdCxxPath) ? FindSystemLibStdCxx() : LibStdCxxPath;
        if (libStdCxx != null)
        {
            HashSet<string> defined = DefinedVersions(libStdCxx);
            if (defined == null)
            {
                Log.LogMessage(MessageImportance.Normal,
                    "TorchSharpGlibcxxFix: could not read the version definitions of {0}; treating the versions as missing.", libStdCxx);
            }
            else
            {
                wanted.RemoveWhere(defined.Contains);
                if (wanted.Count == 0)
                {
                    Log.LogMessage(MessageImportance.Normal,
                        "TorchSharpGlibcxxFix: {0} defines {1}; nothing to patch.", libStdCxx, Versions);
                    return true;
                }
            }
        }
        else
        {
            Log.LogMessage(MessageImportance.Normal,
                "TorchSharpGlibcxxFix: no system libstdc++.so.6 found; treating {0} as missing.", Versions);
        }

        foreach (ITaskItem item in Files ?? new ITaskItem[0])
        {
            string path = item.GetMetadata("FullPath");
            if (PatchFile(path, wanted))
            {
                patched.Add(item);
            }
        }

        PatchedFiles = patched.ToArray();
        return !Log.HasLoggedErrors;
    }

    private bool PatchFile(string path, HashSet<string> missing)
    {
        byte[] data = File.ReadAllBytes(path);
        string why;
        ElfImage elf = ElfImage.TryParse(data, out why);
        if (elf == null)
        {
            Log.LogMessage(MessageImportance.Low, "TorchSharpGlibcxxFix: skipping {0}: {1}.", path, why);
            return false;
        }

        var offsets = new List<long>();
        try
        {
            HashSet<ushort> bound = elf.VersionIndicesUsedByRelocations();
            foreach (ElfImage.VersionNeed need in elf.VersionNeeds())
            {
                if (!need.File.StartsWith("libstdc++", StringComparison.Ordinal) || !missing.Contains(need.Name))
                {
                    continue;
                }

                if ((need.Flags & VerFlagWeak) != 0)
                {
                    Log.LogMessage(MessageImportance.Low, "TorchSharpGlibcxxFix: {0} already weak in {1}.", need.Name, path);
                    continue;
                }

                if (bound.Contains(need.Index))
                {
                    Log.LogWarning(
                        "TorchSharpGlibcxxFix: {0} needs {1} for a relocated symbol; not weakening it. Install a libstdc++ that provides {1}.",
                        path, need.Name);
                    continue;
                }

                offsets.Add(need.FlagsOffset);
                Log.LogMessage(MessageImportance.High,
                    "TorchSharpGlibcxxFix: marking {0} weak in {1} (the system libstdc++ lacks it).", need.Name, path);
            }
        }
        catch (ArgumentException e)
        {
            Log.LogMessage(MessageImportance.Normal, "TorchSharpGlibcxxFix: skipping {0}: malformed ELF ({1}).", path, e.Message);
            return false;
        }

        if (offsets.Count == 0)
        {
            return false;
        }

        // Patch a sibling copy (File.Copy keeps the mode bits), keep the original time stamp so that the SDK's
        // incremental copy sees an unchanged file, then rename it over the original. The rename gives the output
        // file a new inode, so a hard link into the NuGet cache (if a build used one) is never written through.
        DateTime stamp = File.GetLastWriteTimeUtc(path);
        string temp = path + ".glibcxxfix.tmp";
        File.Copy(path, temp, true);
        using (var stream = new FileStream(temp, FileMode.Open, FileAccess.Write))
        {
            foreach (long offset in offsets)
            {
                ushort flags = (ushort)(BitConverter.ToUInt16(data, (int)offset) | VerFlagWeak);
                stream.Position = offset;
                stream.Write(BitConverter.GetBytes(flags), 0, 2);
            }
        }

        File.SetLastWriteTimeUtc(temp, stamp);
        File.Delete(path);
        File.Move(temp, path);
        return true;
    }

    // The libstdc++ that the .NET host has already loaded is the one TorchSharp will get: MSBuild runs on .NET,
    // so read this process's own mappings first and fall back to the usual library folders.
    private static string FindSystemLibStdCxx()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash >= 0 && line.IndexOf("/libstdc++.so", StringComparison.Ordinal) >= 0)
                {
                    return line.Substring(slash).Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        string[] folders =
        {
            "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
            "/lib64", "/usr/lib64", "/lib", "/usr/lib",
        };
        return folders.Select(f => Path.Combine(f, "libstdc++.so.6")).FirstOrDefault(File.Exists);
    }

    private static HashSet<string> DefinedVersions(string path)
    {
        try
        {
            string why;
            ElfImage elf = ElfImage.TryParse(File.ReadAllBytes(path), out why);
            return elf == null ? null : new HashSet<string>(elf.VersionDefinitions(), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Just enough of a 64-bit little-endian ELF reader to walk the dynamic section's version tables.</summary>
    private sealed class ElfImage
    {
        private const uint PtLoad = 1, PtDynamic = 2;
        private const long DtNull = 0, DtPltRelSz = 2, DtStrTab = 5, DtRela = 7, DtRelaSz = 8, DtRelaEnt = 9,
            DtRel = 17, DtRelSz = 18, DtRelEnt = 19, DtPltRel = 20, DtJmpRel = 23,
            DtVerSym = 0x6ffffff0, DtVerDef = 0x6ffffffc, DtVerDefNum = 0x6ffffffd,
            DtVerNeed = 0x6ffffffe, DtVerNeedNum = 0x6fffffff;

        private readonly byte[] data;
        private readonly List<ulong[]> loads = new List<ulong[]>(); // { vaddr, file offset, file size }
        private readonly Dictionary<long, ulong> dynamic = new Dictionary<long, ulong>();

        private ElfImage(byte[] data)
        {
            this.data = data;
        }

        public struct VersionNeed
        {
            public string File;
            public string Name;
            public ushort Flags;
            public ushort Index;
            public long FlagsOffset;
        }

        public static ElfImage TryParse(byte[] data, out string why)
        {
            why = null;
            if (data.Length < 64 || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
            {
                why = "not an ELF file";
                return null;
            }

            if (data[4] != 2 || data[5] != 1 || !BitConverter.IsLittleEndian)
            {
                why = "not a 64-bit little-endian ELF file";
                return null;
            }

            var elf = new ElfImage(data);
            try
            {
                ulong phoff = elf.U64(0x20);
                int phentsize = elf.U16(0x36);
                int phnum = elf.U16(0x38);
                long dynOffset = -1;
                ulong dynSize = 0;
                for (int i = 0; i < phnum; i++)
                {
                    long p = checked((long)phoff + (long)i * phentsize);
                    uint type = elf.U32(p);
                    if (type == PtLoad)
                    {
                        elf.loads.Add(new[] { elf.U64(p + 16), elf.U64(p + 8), elf.U64(p + 32) });
                    }
                    else if (type == PtDynamic)
                    {
                        dynOffset = (long)elf.U64(p + 8);
                        dynSize = elf.U64(p + 32);
                    }
                }

                if (dynOffset < 0)
                {
                    why = "no dynamic section";
                    return null;
                }

                for (long e = dynOffset; e + 16 <= dynOffset + (long)dynSize; e += 16)
                {
                    long tag = (long)elf.U64(e);
                    if (tag == DtNull)
                    {
                        break;
                    }

                    if (!elf.dynamic.ContainsKey(tag))
                    {
                        elf.dynamic[tag] = elf.U64(e + 8);
                    }
                }
            }
            catch (Exception e) when (e is ArgumentException || e is OverflowException)
            {
                why = "malformed ELF headers";
                return null;
            }

            return elf;
        }

        public IEnumerable<VersionNeed> VersionNeeds()
        {
            ulong vaddr, count;
            if (!dynamic.TryGetValue(DtVerNeed, out vaddr) || !dynamic.TryGetValue(DtVerNeedNum, out count))
            {
                yield break;
            }

            long strtab = Offset(Dyn(DtStrTab));
            long need = Offset(vaddr);
            for (ulong i = 0; i < count; i++)
            {
                // Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
                int auxCount = U16(need + 2);
                string file = CString(strtab + U32(need + 4));
                long aux = need + U32(need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    // Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
                    yield return new VersionNeed
                    {
                        File = file,
                        Name = CString(strtab + U32(aux + 8)),
                        Flags = U16(aux + 4),
                        Index = (ushort)(U16(aux + 6) & 0x7fff),
                        FlagsOffset = aux + 4,
                    };
                    aux += U32(aux + 12);
                }

                need += U32(need + 12);
            }
        }

        public IEnumerable<string> VersionDefinitions()
        {
            ulong vaddr, count;
            if (!dynamic.TryGetValue(DtVerDef, out vaddr) || !dynamic.TryGetValue(DtVerDefNum, out count))
            {
                yield break;
            }

            long strtab = Offset(Dyn(DtStrTab));
            long def = Offset(vaddr);
            for (ulong i = 0; i < count; i++)
            {
                // Elf64_Verdef: vd_version u16, vd_flags u16, vd_ndx u16, vd_cnt u16, vd_hash u32, vd_aux u32,
                // vd_next u32; the first Elf64_Verdaux (vda_name u32, vda_next u32) names the version.
                long aux = def + U32(def + 12);
                yield return CString(strtab + U32(aux));
                def += U32(def + 16);
            }
        }

        /// <summary>Version indices (from .gnu.version) of every symbol that a dynamic relocation refers to.</summary>
        public HashSet<ushort> VersionIndicesUsedByRelocations()
        {
            var used = new HashSet<ushort>();
            ulong versymAddr;
            if (!dynamic.TryGetValue(DtVerSym, out versymAddr))
            {
                return used;
            }

            long versym = Offset(versymAddr);
            AddRelocationVersions(used, versym, DtRela, DtRelaSz, DtRelaEnt, 24);
            AddRelocationVersions(used, versym, DtRel, DtRelSz, DtRelEnt, 16);
            ulong jmprel, pltSize, pltKind;
            if (dynamic.TryGetValue(DtJmpRel, out jmprel) && dynamic.TryGetValue(DtPltRelSz, out pltSize))
            {
                ulong entry = dynamic.TryGetValue(DtPltRel, out pltKind) && pltKind == (ulong)DtRel ? 16UL : 24UL;
                AddRelocations(used, versym, Offset(jmprel), pltSize, entry);
            }

            return used;
        }

        private void AddRelocationVersions(HashSet<ushort> used, long versym, long tableTag, long sizeTag, long entryTag, ulong defaultEntry)
        {
            ulong table, size, entry;
            if (!dynamic.TryGetValue(tableTag, out table) || !dynamic.TryGetValue(sizeTag, out size))
            {
                return;
            }

            if (!dynamic.TryGetValue(entryTag, out entry) || entry == 0)
            {
                entry = defaultEntry;
            }

            AddRelocations(used, versym, Offset(table), size, entry);
        }

        private void AddRelocations(HashSet<ushort> used, long versym, long table, ulong size, ulong entry)
        {
            for (ulong r = 0; r + entry <= size; r += entry)
            {
                // r_info (second 8 bytes of Elf64_Rel/Rela): symbol index in the upper 32 bits.
                ulong symbol = U64(table + (long)r + 8) >> 32;
                if (symbol != 0)
                {
                    used.Add((ushort)(U16(versym + 2 * (long)symbol) & 0x7fff));
                }
            }
        }

        private ulong Dyn(long tag)
        {
            ulong value;
            if (!dynamic.TryGetValue(tag, out value))
            {
                throw new ArgumentException("missing dynamic tag " + tag);
            }

            return value;
        }

        private long Offset(ulong vaddr)
        {
            foreach (ulong[] load in loads)
            {
                if (vaddr >= load[0] && vaddr < load[0] + load[2])
                {
                    return (long)(vaddr - load[0] + load[1]);
                }
            }

            throw new ArgumentException("address 0x" + vaddr.ToString("x") + " is outside every loaded segment");
        }

        private string CString(long offset)
        {
            Check(offset, 1);
            int end = Array.IndexOf(data, (byte)0, (int)offset);
            if (end < 0)
            {
                throw new ArgumentException("unterminated string");
            }

            return Encoding.ASCII.GetString(data, (int)offset, end - (int)offset);
        }

        private ushort U16(long offset)
        {
            Check(offset, 2);
            return BitConverter.ToUInt16(data, (int)offset);
        }

        private uint U32(long offset)
        {
            Check(offset, 4);
            return BitConverter.ToUInt32(data, (int)offset);
        }

        private ulong U64(long offset)
        {
            Check(offset, 8);
            return BitConverter.ToUInt64(data, (int)offset);
        }

        private void Check(long offset, int size)
        {
            if (offset < 0 || offset + size > data.Length)
            {
                throw new ArgumentException("offset 0x" + offset.ToString("x") + " is outside the file");
            }
        }
    }
}
