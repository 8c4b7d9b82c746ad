package io.cutover.validation.application;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Whether every extension the source uses can be created on the target. */
public final class ExtensionParity {

    private ExtensionParity() {
    }

    /**
     * @param used extension name to installed version on the source
     * @param available extension name to default version on the target
     * @return problems (missing extensions), then passed lines, via the report
     */
    public static Readiness.Report compare(String target, Map<String, String> used, Map<String, String> available) {
        List<String> missing = new java.util.ArrayList<>();
        List<String> present = new java.util.ArrayList<>();
        new TreeMap<>(used).forEach((name, version) -> {
            String offered = available.get(name);
            if (offered == null) {
                missing.add(target + " does not offer extension " + name + " (" + version + " on the source)");
            } else {
                present.add(name + " " + version + (offered.equals(version) ? "" : " (target offers " + offered + ")"));
            }
        });
        List<String> passed = present.isEmpty() ? List.of()
                : List.of(target + " offers every extension the source uses: " + String.join(", ", present));
        return new Readiness.Report(passed, missing);
    }
}
