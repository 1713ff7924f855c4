package io.smbcopilot.testing.mail;

import jakarta.mail.BodyPart;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * One address's inbox on the devstack's GreenMail, read over IMAP like a mail client would (the
 * server takes any password for an address it has mail for).
 */
public final class Mailbox {
  /** A mail as read: subject, headers, and its text and HTML parts. */
  public record Mail(
      String subject,
      String from,
      Map<String, String> headers,
      String contentType,
      String text,
      String html) {}

  private final int imapPort;
  private final String address;

  public Mailbox(int imapPort, String address) {
    this.imapPort = imapPort;
    this.address = address;
  }

  /** Every mail in the inbox, oldest first (none when the address never got mail). */
  public List<Mail> read() {
    Properties props = new Properties();
    props.put("mail.imap.host", "127.0.0.1");
    props.put("mail.imap.port", String.valueOf(imapPort));
    props.put("mail.imap.connectiontimeout", "5000");
    props.put("mail.imap.timeout", "5000");
    List<Mail> mails = new ArrayList<>();
    try {
      Store store = Session.getInstance(props).getStore("imap");
      store.connect(address, address);
      try {
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        try {
          for (Message m : inbox.getMessages()) {
            mails.add(read(m));
          }
        } finally {
          inbox.close(false);
        }
      } finally {
        store.close();
      }
    } catch (jakarta.mail.AuthenticationFailedException e) {
      return List.of(); // GreenMail knows the address only once mail came for it
    } catch (MessagingException | IOException e) {
      throw new IllegalStateException("cannot read the inbox of " + address, e);
    }
    return mails;
  }

  private static Mail read(Message m) throws MessagingException, IOException {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    var all = m.getAllHeaders();
    while (all.hasMoreElements()) {
      var h = all.nextElement();
      headers.merge(h.getName(), h.getValue(), (a, b) -> a + "\n" + b);
    }
    String[] parts = new String[2];
    collect(m.getContent(), m.getContentType(), parts);
    return new Mail(
        m.getSubject(),
        m.getFrom() == null ? null : m.getFrom()[0].toString(),
        headers,
        m.getContentType(),
        parts[0],
        parts[1]);
  }

  private static void collect(Object content, String type, String[] parts)
      throws MessagingException, IOException {
    if (content instanceof Multipart multi) {
      for (int i = 0; i < multi.getCount(); i++) {
        BodyPart part = multi.getBodyPart(i);
        collect(part.getContent(), part.getContentType(), parts);
      }
    } else if (content instanceof String s) {
      String lower = type.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("text/html")) {
        parts[1] = s;
      } else if (lower.startsWith("text/plain")) {
        parts[0] = s;
      }
    }
  }
}
