package io.smbcopilot.workflow.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.Month;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fields out of a text into the properties of a JSON Schema, by pattern, with no model: dates,
 * amounts, emails, phone numbers and identifiers, each looked for first on a line that names the
 * property (its words, or a usual label: "Invoice No", "VAT", "Total", "From"), then anywhere. A
 * property's kind comes from its schema ({@code format: date|email}, {@code type: number}) or its
 * name. What is not found is null and listed as missing. The {@code extract} step's default.
 */
public final class Extraction {
  enum Kind {
    DATE,
    AMOUNT,
    EMAIL,
    PHONE,
    IDENTIFIER,
    TEXT
  }

  static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+");
  static final Pattern PHONE = Pattern.compile("(?<![\\w.])\\+?\\d[\\d ()/-]{6,}\\d(?![\\w.,]\\d)");
  static final Pattern ISO_DATE = Pattern.compile("\\b(\\d{4})-(\\d{2})-(\\d{2})\\b");
  static final Pattern DAY_FIRST = Pattern.compile("\\b(\\d{1,2})[./](\\d{1,2})[./](\\d{4})\\b");
  static final Pattern NAMED_DATE;
  static final Pattern AMOUNT =
      Pattern.compile(
          "(?<![\\d.,])(?:[€$£]\\s?)?(\\d{1,3}(?:[.,' ]\\d{3})*(?:[.,]\\d{2})|\\d+(?:[.,]\\d{2})?)"
              + "(?!\\s?%)(?![\\d])");
  static final Pattern IDENTIFIER = Pattern.compile("\\b([A-Z0-9][A-Z0-9/_-]*\\d[A-Z0-9/_-]*)\\b");

  static {
    StringBuilder months = new StringBuilder();
    for (Month m : Month.values()) {
      months
          .append(months.isEmpty() ? "" : "|")
          .append(m.getDisplayName(TextStyle.FULL, Locale.ENGLISH));
      months.append('|').append(m.getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
    }
    NAMED_DATE =
        Pattern.compile(
            "\\b(?:(\\d{1,2})\\.?\\s+("
                + months
                + ")\\.?,?\\s+(\\d{4})|("
                + months
                + ")\\.?\\s+(\\d{1,2}),?\\s+(\\d{4}))\\b",
            Pattern.CASE_INSENSITIVE);
  }

  /** Usual labels of a property, besides the words of its own name. */
  private static final Map<String, List<String>> LABELS =
      Map.of(
          "number", List.of("invoice no", "invoice number", "invoice #", "no.", "number", "#"),
          "vat", List.of("vat", "tax", "mwst", "tva"),
          "total", List.of("total", "amount due", "balance due", "grand total"),
          "supplier", List.of("from", "supplier", "vendor", "seller", "bill from"),
          "date", List.of("date", "invoice date", "issued"));

  private Extraction() {}

  /** The fields the schema's properties name, found in the text or null. */
  public static Map<String, Object> extract(String text, JsonNode schema) {
    Map<String, Object> fields = new LinkedHashMap<>();
    List<String> lines = text.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    schema
        .path("properties")
        .fields()
        .forEachRemaining(
            p ->
                fields.put(
                    p.getKey(), find(p.getKey(), kind(p.getKey(), p.getValue()), lines, text)));
    return fields;
  }

  static Kind kind(String name, JsonNode property) {
    String n = name.toLowerCase(Locale.ROOT);
    String format = property.path("format").asText("");
    String type = property.path("type").asText("");
    if (format.startsWith("date") || n.contains("date")) {
      return Kind.DATE;
    }
    if (format.equals("email") || n.contains("email")) {
      return Kind.EMAIL;
    }
    if (n.contains("phone") || n.contains("tel")) {
      return Kind.PHONE;
    }
    if (type.equals("number") || type.equals("integer")) {
      return Kind.AMOUNT;
    }
    if (n.endsWith("number") || n.endsWith("id") || n.contains("reference") || n.equals("no")) {
      return Kind.IDENTIFIER;
    }
    return Kind.TEXT;
  }

  private static List<String> labels(String name) {
    List<String> labels = new ArrayList<>();
    // camelCase and snake_case names: their words ("dueDate" -> "due date")
    labels.add(
        name.replaceAll("([a-z])([A-Z])", "$1 $2").replace('_', ' ').toLowerCase(Locale.ROOT));
    LABELS.forEach(
        (key, more) -> {
          if (name.toLowerCase(Locale.ROOT).contains(key)) {
            labels.addAll(more);
          }
        });
    return labels;
  }

  private static Object find(String name, Kind kind, List<String> lines, String text) {
    for (String label : labels(name)) {
      for (String line : lines) {
        int at = line.toLowerCase(Locale.ROOT).indexOf(label);
        if (at >= 0 && boundary(line, at, label.length())) {
          Object value = value(kind, line.substring(at + label.length()), true);
          if (value != null) {
            return value;
          }
        }
      }
    }
    return switch (kind) {
      case DATE, EMAIL, PHONE -> value(kind, text, false);
      case TEXT ->
          name.toLowerCase(Locale.ROOT).contains("supplier") && !lines.isEmpty()
              ? lines.get(0) // an invoice's issuer heads it
              : null;
      default -> null;
    };
  }

  private static boolean boundary(String line, int at, int length) {
    boolean before = at == 0 || !Character.isLetterOrDigit(line.charAt(at - 1));
    int end = at + length;
    boolean after = end >= line.length() || !Character.isLetter(line.charAt(end));
    return before && after;
  }

  private static Object value(Kind kind, String in, boolean labelled) {
    String rest = in.replaceFirst("^[\\s:#.-]+", "");
    Matcher m;
    switch (kind) {
      case EMAIL -> {
        m = EMAIL.matcher(rest);
        return m.find() ? m.group() : null;
      }
      case PHONE -> {
        m = PHONE.matcher(rest);
        return m.find() ? m.group().trim() : null;
      }
      case DATE -> {
        return date(rest);
      }
      case AMOUNT -> {
        m = AMOUNT.matcher(rest);
        BigDecimal last = null;
        while (m.find()) {
          BigDecimal amount = amount(m.group(1));
          if (amount != null) {
            last = amount;
            if (labelled) {
              break; // the first amount after the label
            }
          }
        }
        return last == null ? null : last.doubleValue();
      }
      case IDENTIFIER -> {
        m = IDENTIFIER.matcher(rest);
        return labelled && m.find() ? m.group(1) : null;
      }
      default -> {
        String value = rest.trim();
        return labelled && !value.isEmpty() ? value : null;
      }
    }
  }

  /** The first date of the text, as ISO-8601 (yyyy-mm-dd), or null. */
  static String date(String text) {
    record Found(int at, LocalDate date) {}
    List<Found> found = new ArrayList<>();
    Matcher m = ISO_DATE.matcher(text);
    if (m.find()) {
      found.add(new Found(m.start(), safe(m.group(1), m.group(2), m.group(3))));
    }
    m = DAY_FIRST.matcher(text);
    if (m.find()) {
      found.add(new Found(m.start(), safe(m.group(3), m.group(2), m.group(1))));
    }
    m = NAMED_DATE.matcher(text);
    if (m.find()) {
      String day = m.group(1) != null ? m.group(1) : m.group(5);
      String month = m.group(2) != null ? m.group(2) : m.group(4);
      String year = m.group(3) != null ? m.group(3) : m.group(6);
      found.add(new Found(m.start(), safe(year, String.valueOf(month(month)), day)));
    }
    return found.stream()
        .filter(f -> f.date() != null)
        .min(java.util.Comparator.comparingInt(Found::at))
        .map(f -> f.date().toString())
        .orElse(null);
  }

  private static int month(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (Month m : Month.values()) {
      if (n.startsWith(
          m.getDisplayName(TextStyle.SHORT, Locale.ENGLISH).toLowerCase(Locale.ROOT))) {
        return m.getValue();
      }
    }
    return 0;
  }

  private static LocalDate safe(String y, String m, String d) {
    try {
      return LocalDate.of(Integer.parseInt(y), Integer.parseInt(m), Integer.parseInt(d));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** 1,234.56 / 1.234,56 / 1'234.56 / 118.50 / 118,50 as a number. */
  static BigDecimal amount(String raw) {
    String s = raw.replace(" ", "").replace("'", "");
    int dot = s.lastIndexOf('.');
    int comma = s.lastIndexOf(',');
    int decimal = Math.max(dot, comma);
    if (decimal >= 0 && s.length() - decimal - 1 == 2) {
      s = s.substring(0, decimal).replaceAll("[.,]", "") + "." + s.substring(decimal + 1);
    } else {
      s = s.replaceAll("[.,]", "");
    }
    try {
      return new BigDecimal(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
