package secnotify.eventruler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import software.amazon.event.ruler.Machine;
import software.amazon.event.ruler.RuleCompiler;

/**
 * Matches EventBridge event patterns against events with Event Ruler, the matcher behind EventBridge, in one
 * JVM run for a whole test file.
 *
 * <p>stdin: {"patterns": {"name": "pattern JSON text", ...}, "events": {"name": {event}, ...}}
 *
 * <p>stdout: {"matches": {"event name": ["pattern name", ...]}, "errors": {"pattern name": "why it was refused"}}
 *
 * <p>Events are matched as given (their natural JSON form) with {@code Machine.rulesForJSONEvent}, the API
 * Event Ruler recommends: it matches arrays of objects itself and never combines fields from different
 * elements of one array. A pattern that Event Ruler refuses is reported under "errors" and matches nothing.
 */
public final class Match {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Match() {}

  public static void main(String[] args) throws IOException {
    JsonNode input = read(System.in);
    Machine machine = new Machine();
    ObjectNode errors = JSON.createObjectNode();
    Iterator<Map.Entry<String, JsonNode>> patterns = input.path("patterns").fields();
    while (patterns.hasNext()) {
      Map.Entry<String, JsonNode> p = patterns.next();
      String text = p.getValue().isTextual() ? p.getValue().asText() : JSON.writeValueAsString(p.getValue());
      String problem = RuleCompiler.check(text);
      if (problem != null) {
        errors.put(p.getKey(), problem);
        continue;
      }
      try {
        machine.addRule(p.getKey(), text);
      } catch (Exception e) {
        errors.put(p.getKey(), String.valueOf(e.getMessage()));
      }
    }
    ObjectNode matches = JSON.createObjectNode();
    Iterator<Map.Entry<String, JsonNode>> events = input.path("events").fields();
    while (events.hasNext()) {
      Map.Entry<String, JsonNode> e = events.next();
      ArrayNode names = matches.putArray(e.getKey());
      try {
        List<String> rules = machine.rulesForJSONEvent(JSON.writeValueAsString(e.getValue()));
        Collections.sort(rules);
        rules.forEach(names::add);
      } catch (Exception ex) {
        errors.put("event:" + e.getKey(), String.valueOf(ex.getMessage()));
      }
    }
    ObjectNode out = JSON.createObjectNode();
    out.set("matches", matches);
    out.set("errors", errors);
    PrintStream stdout = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    stdout.println(JSON.writeValueAsString(out));
  }

  private static JsonNode read(InputStream in) throws IOException {
    return JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
  }
}
