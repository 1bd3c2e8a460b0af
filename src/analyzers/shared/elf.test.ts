import { describe, expect, it } from "vitest";
import { addressToOffset, bufferSource, findSection, MAX_READ, readElf, readSection } from "./elf.js";
import { buildElf, firstSectionOffset } from "./test-support/elf.js";

describe("ELF reader", () => {
  it.each([
    [true, true],
    [true, false],
    [false, true],
    [false, false],
  ])("reads sections and segments (64-bit %s, little-endian %s)", async (is64, littleEndian) => {
    const data = Buffer.from("hello section");
    const elf = (await readElf(bufferSource(buildElf({ is64, littleEndian, base: 0x8000, sections: [{ name: ".a", data: Buffer.alloc(3) }, { name: ".dep-v0", data }] }))))!;
    expect(elf.is64).toBe(is64);
    expect(elf.sections.map((s) => s.name)).toEqual(["", ".a", ".dep-v0", ".shstrtab"]);
    const s = findSection(elf, ".dep-v0")!;
    expect(s.offset).toBe(firstSectionOffset(is64) + 16);
    const src = bufferSource(buildElf({ is64, littleEndian, base: 0x8000, sections: [{ name: ".a", data: Buffer.alloc(3) }, { name: ".dep-v0", data }] }));
    expect((await readSection(src, s, 100)).toString()).toBe("hello section");
    await expect(readSection(src, s, 5)).rejects.toThrow(/too large/);
    expect(addressToOffset(elf, 0x8000 + s.offset)).toMatchObject({ offset: s.offset });
    expect(addressToOffset(elf, 0x10)).toBeNull();
  });

  it("is not fooled by non-ELF data or absurd header fields", async () => {
    expect(await readElf(bufferSource(Buffer.from("MZ......")))).toBeNull();
    await expect(readElf(bufferSource(Buffer.from("\x7fELF\x02\x01", "latin1")))).rejects.toThrow(/truncated/);
    await expect(readElf(bufferSource(Buffer.from("\x7fELF\x07\x01", "latin1")))).rejects.toThrow(/unknown class/);
    const b = buildElf({ sections: [{ name: ".x", data: Buffer.alloc(8) }] });
    b.writeBigUInt64LE(0xffffffffffffn, 40); // section headers far past the end
    b.writeBigUInt64LE(0xffffffffffffffffn, 32); // program headers beyond 2^53
    const elf = (await readElf(bufferSource(b)))!;
    expect(elf.sections).toEqual([]);
    expect(elf.segments).toEqual([]);
    await expect(bufferSource(b).read(0, MAX_READ + 1)).rejects.toThrow(/refusing/);
  });
});
