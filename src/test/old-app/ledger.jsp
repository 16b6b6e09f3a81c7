<%@ page contentType="application/json; charset=UTF-8" pageEncoding="UTF-8" session="false"
         import="java.util.LinkedHashMap,java.util.Map,com.fasterxml.jackson.databind.ObjectMapper,org.slf4j.LoggerFactory" %><%
    // The old app's own Jackson and SLF4J, as its pages always used them.
    Map<String, Object> ledger = new LinkedHashMap<String, Object>();
    ledger.put("user", request.getRemoteUser());
    ledger.put("databind", com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString());
    ledger.put("core", com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString());
    LoggerFactory.getLogger("acme.ledger").info("ledger shown to {}", request.getRemoteUser());
    out.print(new ObjectMapper().writeValueAsString(ledger));
%>
