package io.smbcopilot.ingestion.pipeline;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Refuses a ZIP container (DOCX, XLSX, PPTX, ODT, EPUB, and any ZIP inside one) that unpacks to far
 * more than it is, before a parser opens it: a parser reads a part such as {@code
 * word/document.xml} into memory whole, so a small file of a few hundred MB of repeated XML would
 * run the service out of heap.
 *
 * <p>It unpacks every part as a stream, holding nothing but a buffer, and counts the bytes that
 * come out (not the sizes the file declares, which a crafted file can lie about): the most bytes
 * one part may unpack to, the most all parts together may (nested containers included), and how
 * many times its packed size a part may grow once it is past a small size. Unpacking stops at the
 * first limit crossed, so a bomb is refused after reading little more than the limit.
 */
public final class ContainerGuard {
  private static final int GRACE = 1 << 20;

  /**
   * The limits.
   *
   * @param maxPartBytes most bytes one part may unpack to
   * @param maxTotalBytes most bytes all parts together may unpack to, nested ones included
   * @param maxRatio most times its packed size a part past 1 MiB may unpack to
   * @param maxDepth most containers nested in one another
   */
  public record Limits(long maxPartBytes, long maxTotalBytes, int maxRatio, int maxDepth) {
    /** The defaults of {@code copilot.ingestion.unpacking.*}. */
    public static final Limits DEFAULT = new Limits(32L << 20, 256L << 20, 100, 3);
  }

  /** A container that crossed a limit; its message is for the person who uploaded it. */
  public static final class Refused extends Exception {
    Refused(String reason) {
      super(reason);
    }
  }

  private final Limits limits;
  private long total;

  private ContainerGuard(Limits limits) {
    this.limits = limits;
  }

  /** Checks the file when it is a ZIP container; anything else passes untouched. */
  public static void check(Path file, Limits limits) throws IOException, Refused {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      if (isZip(in)) {
        new ContainerGuard(limits).scan(in, "", 1);
      }
    } catch (TotalExceeded e) {
      throw new Refused(
          "the file unpacks to more than "
              + mib(limits.maxTotalBytes())
              + " in all; such files are refused as a safety measure (a zip bomb?)");
    } catch (ZipException | java.io.EOFException e) {
      // damaged or cut short: the parser says so; only a bomb is this guard's business
    }
  }

  /** Whether the stream (which supports mark) starts with a ZIP local file header. */
  static boolean isZip(InputStream in) throws IOException {
    in.mark(4);
    byte[] head = in.readNBytes(4);
    in.reset();
    return head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
  }

  private void scan(InputStream container, String path, int depth) throws IOException, Refused {
    if (depth > limits.maxDepth()) {
      throw new Refused(
          "the file holds containers nested more than "
              + limits.maxDepth()
              + " deep ("
              + path
              + "); such files are refused as a safety measure");
    }
    Counting packed = new Counting(container);
    ZipInputStream zip = new ZipInputStream(packed);
    byte[] buffer = new byte[64 * 1024];
    ZipEntry entry;
    while ((entry = zip.getNextEntry()) != null) {
      if (entry.isDirectory()) {
        continue;
      }
      String name = path + entry.getName();
      long packedStart = packed.count;
      Counting part = new Counting(zip);
      BufferedInputStream content = new BufferedInputStream(part, 8);
      if (isZip(content)) {
        scan(content, name + "!/", depth + 1);
      }
      while (content.read(buffer) > 0) {
        check(name, part.count, packed.count - packedStart);
      }
      check(name, part.count, packed.count - packedStart);
    }
  }

  private void check(String name, long unpacked, long packedBytes) throws Refused {
    if (unpacked > limits.maxPartBytes()) {
      throw new Refused(
          "the file unpacks to more than "
              + mib(limits.maxPartBytes())
              + " in one part ("
              + name
              + "); such files are refused as a safety measure (a zip bomb?)");
    }
    if (unpacked > GRACE && unpacked > (long) limits.maxRatio() * Math.max(1, packedBytes)) {
      throw new Refused(
          "the file unpacks to more than "
              + limits.maxRatio()
              + " times its packed size ("
              + name
              + "); such files are refused as a safety measure (a zip bomb?)");
    }
  }

  /** Counts the bytes read through it; the total counts every part's unpacked bytes. */
  private final class Counting extends FilterInputStream {
    long count;
    private final boolean part;

    Counting(InputStream in) {
      super(in);
      this.part = in instanceof ZipInputStream;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        add(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        add(n);
      }
      return n;
    }

    private void add(int n) throws IOException {
      count += n;
      if (part) {
        total += n;
        if (total > limits.maxTotalBytes()) {
          throw new TotalExceeded();
        }
      }
    }
  }

  private static final class TotalExceeded extends IOException {}

  private static String mib(long bytes) {
    return bytes >= 1 << 20 && bytes % (1 << 20) == 0
        ? String.format(Locale.ROOT, "%d MiB", bytes >> 20)
        : String.format(Locale.ROOT, "%,d bytes", bytes);
  }
}
