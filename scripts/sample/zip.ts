/**
 * exceljs zips with JSZip, which stamps every entry with the current time, so two runs differ in a few bytes.
 * `normalizeZip` rewrites the archive with one fixed timestamp, keeping each entry's compressed data and CRC,
 * so the same workbook content always gives the same file; it also puts the parts in the order Excel writes them.
 */

interface Entry {
  name: Buffer;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  data: Buffer;
}

function dosDateTime(iso: string): { date: number; time: number } {
  const [d, t = '00:00:00'] = iso.split('T');
  const [y, m, day] = d.split('-').map(Number);
  const [hh, mm, ss] = t.replace('Z', '').split(':').map(Number);
  return { date: ((y - 1980) << 9) | (m << 5) | day, time: (hh << 11) | (mm << 5) | Math.floor(ss / 2) };
}

function readEntries(buf: Buffer): Entry[] {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip archive');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = Buffer.from(buf.subarray(p + 46, p + 46 + nameLen));
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = Buffer.from(buf.subarray(dataStart, dataStart + compressedSize));
    entries.push({ name, flags: flags & 0x0800, method, crc, compressedSize, size, data });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Entry order Excel itself writes: the workbook part before the worksheets it names. */
const EXCEL_ORDER = [
  /^\[Content_Types\]\.xml$/, /^_rels\/\.rels$/, /^docProps\//, /^xl\/workbook\.xml$/, /^xl\/_rels\/workbook\.xml\.rels$/,
  /^xl\/theme\//, /^xl\/styles\.xml$/, /^xl\/sharedStrings\.xml$/, /^xl\/worksheets\/_rels\//, /^xl\/worksheets\//,
];
const rank = (name: string) => {
  const i = EXCEL_ORDER.findIndex((re) => re.test(name));
  return i < 0 ? EXCEL_ORDER.length : i;
};
const sheetNumber = (name: string) => Number(/sheet(\d+)\.xml/.exec(name)?.[1] ?? 0);

export function normalizeZip(buf: Buffer, isoTimestamp: string): Buffer {
  const { date, time } = dosDateTime(isoTimestamp);
  // Folder entries dropped and parts put in Excel's order: exceljs writes xl/workbook.xml last, which its own
  // streaming reader (used by boardpack ingest) cannot read back.
  const entries = readEntries(buf)
    .filter((e) => !e.name.toString('utf8').endsWith('/'))
    .map((e, i) => ({ e, i, name: e.name.toString('utf8') }))
    .sort((a, b) => rank(a.name) - rank(b.name) || sheetNumber(a.name) - sheetNumber(b.name) || a.i - b.i)
    .map((x) => x.e);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(e.flags, 6);
    h.writeUInt16LE(e.method, 8);
    h.writeUInt16LE(time, 10);
    h.writeUInt16LE(date, 12);
    h.writeUInt32LE(e.crc, 14);
    h.writeUInt32LE(e.compressedSize, 18);
    h.writeUInt32LE(e.size, 22);
    h.writeUInt16LE(e.name.length, 26);
    h.writeUInt16LE(0, 28);
    locals.push(h, e.name, e.data);

    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(e.flags, 8);
    c.writeUInt16LE(e.method, 10);
    c.writeUInt16LE(time, 12);
    c.writeUInt16LE(date, 14);
    c.writeUInt32LE(e.crc, 16);
    c.writeUInt32LE(e.compressedSize, 20);
    c.writeUInt32LE(e.size, 24);
    c.writeUInt16LE(e.name.length, 28);
    c.writeUInt32LE(offset, 42);
    centrals.push(c, e.name);
    offset += 30 + e.name.length + e.data.length;
  }
  const central = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(central.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, central, end]);
}
