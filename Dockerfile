# The node's image, from what `mvn -DskipTests package` leaves in target/:
#   mvn -B -DskipTests package && docker build -t kvstore:0.1.0-SNAPSHOT .
# then push it where the cluster pulls from, and point k8s/base's `images:` at it.
# The project's machines have no Docker engine and reach no image registry, so this recipe is
# neither built nor run by the tests (ManifestsTest checks only the manifests).
FROM eclipse-temurin:17-jre

# A fixed numeric uid/gid: the StatefulSet runs as 10001 (runAsNonRoot can only verify a numeric
# user) and gives the data volume to group 10001 through fsGroup.
RUN groupadd --system --gid 10001 kvstore \
 && useradd --system --uid 10001 --gid kvstore --no-create-home --home-dir /var/lib/kvstore --shell /usr/sbin/nologin kvstore \
 && install -d -o kvstore -g kvstore /var/lib/kvstore

# The dependencies first: they change less often than the jar, so their layer is reused.
COPY target/lib/ /opt/kvstore/lib/
COPY target/kvstore.jar /opt/kvstore/kvstore.jar

USER 10001:10001
# Writable, for a plain `docker run` without KVSTORE_DATA_DIR: the default data directory is
# relative. In the StatefulSet this is the data volume.
WORKDIR /var/lib/kvstore
# HTTP API, Redis protocol, Akka Management (health, bootstrap), Akka remoting.
EXPOSE 8080 6379 8558 25520
ENTRYPOINT ["java", "-jar", "/opt/kvstore/kvstore.jar"]
