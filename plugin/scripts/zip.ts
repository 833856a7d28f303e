/**
 * A minimal ZIP writer (PKWARE APPNOTE 6.3: local file headers, deflated data, central directory,
 * end of central directory record), enough for a plugin package: regular files and folders, no
 * ZIP64 (each file and the archive under 4 GiB), Unix permissions in the external attributes.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export interface ZipEntry {
  /** Path inside the archive, with '/' separators; a folder ends with '/'. */
  name: string;
  data: Buffer;
  mtime: Date;
  mode: number;
}

/** MS-DOS date and time (2-second resolution, local time as ZIP readers show it). */
function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.max(d.getFullYear(), 1980);
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

export function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const folder = entry.name.endsWith('/');
    const compressed = folder ? Buffer.alloc(0) : zlib.deflateRawSync(entry.data, { level: 9 });
    const crc = folder ? 0 : zlib.crc32(entry.data);
    const { time, date } = dosDateTime(entry.mtime);
    const method = folder ? 0 : 8;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate, folders)
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra, comment, disk number, internal attributes: 0
    const type = folder ? 0o040000 : 0o100000;
    central.writeUInt32LE((((type | entry.mode) << 16) | (folder ? 0x10 : 0)) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Every folder and file under `dir`, sorted, named `<prefix>/<relative path>`. */
export function entriesOf(dir: string, prefix: string): ZipEntry[] {
  const out: ZipEntry[] = [];
  const walk = (d: string, name: string) => {
    const stat = fs.statSync(d);
    out.push({ name: `${name}/`, data: Buffer.alloc(0), mtime: stat.mtime, mode: 0o755 });
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full, `${name}/${e.name}`);
      else if (e.isFile())
        out.push({
          name: `${name}/${e.name}`,
          data: fs.readFileSync(full),
          mtime: fs.statSync(full).mtime,
          mode: 0o644,
        });
    }
  };
  walk(dir, prefix);
  return out;
}
