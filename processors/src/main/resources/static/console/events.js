/** The events page (being built). */
export function eventsView(main) {
  const section = document.createElement('section');
  section.className = 'events';
  section.innerHTML = '<div class="heading"><h2>Events</h2></div>';
  main.append(section);
  return () => section.remove();
}
